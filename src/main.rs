//! Entry point: everything lives in the library so it can be tested.
fn main() {
    opscalc_web::start();
}
