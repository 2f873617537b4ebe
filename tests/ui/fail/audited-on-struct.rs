use audit_core::audited;

#[audited("app.config")]
struct Config {
    path: String,
}

fn main() {
    let _ = Config { path: String::new() }.path;
}
