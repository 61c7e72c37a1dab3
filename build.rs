//! Links the `attache` binary as a position-dependent executable (`-no-pie`).
//!
//! A position-independent executable is relocated by the dynamic loader at every start: 27,168
//! relative relocations, which touched about 120 pages, for every `attache search`. Linked at a
//! fixed address it has 3, and a whole `attache --version` runs 0.84 million instructions
//! instead of 1.20 million (callgrind; 160 page faults instead of 276). The code is compiled
//! position-independent as before, so only the final link of the binary changes (tests,
//! build scripts and proc macros are untouched); what is given up is the randomised load
//! address of the executable's own code (libraries, stack and heap stay randomised).
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // Linux's C toolchains (gcc, clang) know the flag; other platforms link as they did.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
