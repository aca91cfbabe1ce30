"""The PyQt5 pool board: models, views, dialogs and workers over the Qt-free core."""
