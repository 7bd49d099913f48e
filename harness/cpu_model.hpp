#pragma once
// The CPU model as a person would name it, for the environment record. x86
// kernels print "model name" in /proc/cpuinfo; arm64 kernels print only the
// MIDR_EL1 fields ("CPU implementer", "CPU part", "CPU variant", "CPU
// revision"), which are decoded here for the server and common cores.
#include <string>

namespace contend {

// The value of the first "key<tabs>: value" line of /proc/cpuinfo's text
// whose key starts with `key`; "" when there is none.
std::string cpuinfo_value(const std::string& cpuinfo, const char* key);

// "ARM Neoverse-N1" for (0x41, 0xd0c); "ARM part 0xd99" for a part not in the
// table; "implementer 0x99 part 0x001" for an implementer not in it.
std::string arm_core_name(unsigned implementer, unsigned part);

// From /proc/cpuinfo's text: "model name" where present, else every
// distinct core the MIDR fields name, with variant and revision
// ("ARM Neoverse-N1 r3p1 (MIDR implementer 0x41 part 0xd0c)"; big.LITTLE
// parts joined with " + "); "" when neither is there.
std::string cpu_model_from_cpuinfo(const std::string& cpuinfo);

}  // namespace contend
