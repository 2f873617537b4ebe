//! What the sink tests share. Each test file is a crate of its own that
//! takes this module with `mod common;` and uses part of it.
#![allow(dead_code)]

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value as Json};

/// A writer whose bytes stay readable after the sink that owns it has moved
/// away (into a hook, a capture or a writer thread).
#[derive(Clone, Default)]
pub struct SharedBuf(pub Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl SharedBuf {
    /// Everything written so far, as text (the sinks write UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).expect("the sinks write UTF-8")
    }

    /// Each line written so far, as a JSON object; a failed write that took
    /// nothing leaves an empty line, which is skipped. Panics on any other
    /// line that is not a JSON object.
    pub fn records(&self) -> Vec<Map<String, Json>> {
        self.text()
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                serde_json::from_str::<Json>(l)
                    .unwrap_or_else(|e| panic!("{l:?}: {e}"))
                    .as_object()
                    .unwrap_or_else(|| panic!("not an object: {l:?}"))
                    .clone()
            })
            .collect()
    }
}
