/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsers of the text the kernel describes devices and buffers in: "key: value" files
 * (/proc/self/fdinfo/N, /proc/meminfo) and /proc/iomem. Input is untrusted text: any
 * byte sequence gives an answer or "absent", never undefined behaviour (fuzzed).
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dmabridge::internal {

/* The whole file, or empty when it can't be read. */
std::string readTextFile(const std::string &path);

/* The value of the first "key:" line, leading blanks removed; nullopt when absent. */
std::optional<std::string> textField(std::string_view text, std::string_view key);

/*
 * A "<n> kB" field of /proc/meminfo ("CmaFree") or /proc/<pid>/status ("VmRSS") in
 * bytes; nullopt when absent or not in kB.
 */
std::optional<uint64_t> meminfoBytes(std::string_view text, std::string_view key);

/*
 * One past the highest "System RAM" address of /proc/iomem; 0 when there is none or the
 * kernel hid the addresses (it shows zeros to unprivileged readers).
 */
uint64_t endOfSystemRam(std::string_view iomem);

} /* namespace dmabridge::internal */
