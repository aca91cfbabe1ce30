// Matches host names against a hosts mask exactly as afserver does: std::regex with the
// default (ECMAScript) flags and std::regex_match, so tests check masks against the real
// engine instead of Python's re.
//
// Protocol: one command per stdin line; payloads are hex-encoded bytes so masks and names
// survive any character (spaces, '|', newlines, UTF-8). One reply line per command:
//   mask HEX   compile the mask        -> "ok" | "error CODE HEX(what)"
//   match HEX  regex_match one name    -> "1" | "0" | "error no-mask"
//   add HEX    queue a name for timing -> (no reply)
//   time N     match every queued name N times, keep the fastest round
//                                      -> "us TOTAL_MICROSECONDS MATCHED_COUNT" | "error no-mask"
//   clear      forget queued names     -> (no reply)
// All work runs on a thread with a fixed stack ("--stack-kb N", default 8192 = the Linux
// default for a thread), so a mask that recurses too deeply crashes here reproducibly.

#include <pthread.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool decode_hex(const std::string& hex, std::string& out) {
    out.clear();
    if (hex.size() % 2 != 0) return false;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int high = hex_digit(hex[i]);
        int low = hex_digit(hex[i + 1]);
        if (high < 0 || low < 0) return false;
        out.push_back(static_cast<char>(high * 16 + low));
    }
    return true;
}

std::string encode_hex(const std::string& bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

const char* error_code_name(std::regex_constants::error_type code) {
    using namespace std::regex_constants;
    switch (code) {
        case error_collate: return "error_collate";
        case error_ctype: return "error_ctype";
        case error_escape: return "error_escape";
        case error_backref: return "error_backref";
        case error_brack: return "error_brack";
        case error_paren: return "error_paren";
        case error_brace: return "error_brace";
        case error_badbrace: return "error_badbrace";
        case error_range: return "error_range";
        case error_space: return "error_space";
        case error_badrepeat: return "error_badrepeat";
        case error_complexity: return "error_complexity";
        case error_stack: return "error_stack";
        default: return "error_unknown";
    }
}

struct Session {
    std::unique_ptr<std::regex> mask;
    std::vector<std::string> queued;

    void compile(const std::string& pattern) {
        mask.reset();
        try {
            mask = std::make_unique<std::regex>(pattern);  // default flags: ECMAScript
            std::cout << "ok\n";
        } catch (const std::regex_error& error) {
            std::cout << "error " << error_code_name(error.code()) << ' '
                      << encode_hex(error.what()) << '\n';
        }
    }

    void match(const std::string& name) {
        if (!mask) {
            std::cout << "error no-mask\n";
            return;
        }
        std::cout << (std::regex_match(name, *mask) ? '1' : '0') << '\n';
    }

    void time(long rounds) {
        if (!mask) {
            std::cout << "error no-mask\n";
            return;
        }
        double best_us = std::numeric_limits<double>::infinity();
        long matched = 0;
        for (long round = 0; round < rounds; ++round) {
            long hits = 0;
            auto start = std::chrono::steady_clock::now();
            for (const std::string& name : queued) {
                if (std::regex_match(name, *mask)) ++hits;
            }
            auto stop = std::chrono::steady_clock::now();
            double us = std::chrono::duration<double, std::micro>(stop - start).count();
            if (us < best_us) best_us = us;
            matched = hits;
        }
        std::cout << "us " << std::fixed << best_us << ' ' << matched << '\n';
    }

    bool run_line(const std::string& line) {
        std::size_t space = line.find(' ');
        std::string command = line.substr(0, space);
        std::string argument = space == std::string::npos ? "" : line.substr(space + 1);
        std::string payload;
        if (command == "clear") {
            queued.clear();
            return true;
        }
        if (command == "time") {
            long rounds = std::strtol(argument.c_str(), nullptr, 10);
            time(rounds > 0 ? rounds : 1);
            return true;
        }
        if (!decode_hex(argument, payload)) {
            std::cout << "error bad-hex\n";
            return false;
        }
        if (command == "mask") {
            compile(payload);
        } else if (command == "match") {
            match(payload);
        } else if (command == "add") {
            queued.push_back(payload);
        } else {
            std::cout << "error bad-command\n";
            return false;
        }
        return true;
    }
};

void* serve(void*) {
    std::ios::sync_with_stdio(false);
    Session session;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        if (!session.run_line(line)) break;
    }
    std::cout.flush();
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t stack_kb = 8192;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--stack-kb") == 0 && i + 1 < argc) {
            stack_kb = std::strtoul(argv[++i], nullptr, 10);
        }
    }
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    if (pthread_attr_setstacksize(&attributes, stack_kb * 1024) != 0) {
        std::fprintf(stderr, "cannot use a stack of %zu KiB\n", stack_kb);
        return 3;
    }
    pthread_t worker;
    if (pthread_create(&worker, &attributes, serve, nullptr) != 0) {
        std::fprintf(stderr, "cannot start the worker thread\n");
        return 3;
    }
    pthread_join(worker, nullptr);
    return 0;
}
