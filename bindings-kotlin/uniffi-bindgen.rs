//! The `uniffi-bindgen` command, built from this crate so that the generator
//! always matches the uniffi version of the library it reads. Run it as
//! `uniffi-bindgen generate target/release/liblabshare_kotlin.so
//! --language kotlin --out-dir DIR` (see `scripts/generate-kotlin`).

fn main() {
    uniffi::uniffi_bindgen_main()
}
