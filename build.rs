//! Generates the C header from `src/ffi/` with cbindgen.
//!
//! The header is written to `OUT_DIR`; the checked-in `include/auditsift.h` is only replaced when
//! `AUDITSIFT_UPDATE_HEADER=1`, so a build never modifies the tree. `tests/ffi_abi.rs` fails when
//! the two differ.

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=AUDITSIFT_UPDATE_HEADER");
    let crate_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("auditsift.h");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    match cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
    {
        Ok(bindings) => {
            bindings.write_to_file(&out);
            if env::var("AUDITSIFT_UPDATE_HEADER").as_deref() == Ok("1") {
                bindings.write_to_file(crate_dir.join("include/auditsift.h"));
            }
        }
        Err(e) => panic!("cbindgen could not generate the header: {e}"),
    }
}
