use audit_core::audited;
use std::io;

trait Store {
    fn put(&mut self, key: &str) -> io::Result<()>;

    #[audited("app.store.len")]
    fn len(&self) -> io::Result<usize> {
        Ok(0)
    }
}

struct Memory(Vec<String>);

impl Store for Memory {
    #[audited("app.store.put")]
    fn put(&mut self, key: &str) -> io::Result<()> {
        self.0.push(key.to_owned());
        Ok(())
    }
}

fn main() {
    let mut store = Memory(Vec::new());
    store.put("k").unwrap();
    let store: &dyn Store = &store;
    assert_eq!(store.len().unwrap(), 0);
}
