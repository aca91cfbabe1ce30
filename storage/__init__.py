"""Where pools are kept: PoolStore on pymongo, the stored shapes, the embedded nx-27017."""
