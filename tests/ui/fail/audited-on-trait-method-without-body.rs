use audit_core::audited;

trait Store {
    #[audited("app.store.put")]
    fn put(&mut self, key: &str) -> std::io::Result<()>;
}

fn main() {}
