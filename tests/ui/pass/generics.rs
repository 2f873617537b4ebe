use audit_core::{audited, Recordable};
use std::fmt::Debug;
use std::io;
use std::path::Path;

#[audited("app.pick", skip(items), args(len = N))]
fn pick<'a, T, const N: usize>(items: &'a [T; N], index: usize, label: T) -> io::Result<&'a T>
where
    T: Recordable + Debug + 'a,
{
    let _ = label;
    items.get(index).ok_or_else(|| io::Error::other("out of range"))
}

struct Wrapper<T>(T);

impl<T: Recordable + Copy> Wrapper<T> {
    #[audited("app.wrapper.get")]
    fn get<U: Into<T> + Recordable>(&self, other: U) -> io::Result<T> {
        let _ = other;
        Ok(self.0)
    }
}

// No `skip` or `args` needed: a parameter is recorded by its bounds
// (`Recordable`, `AsRef<Path>`, `AsRef<str>`, ..., else `Debug`).
#[audited("app.debug")]
fn debug<T: Debug>(x: T, label: impl AsRef<str> + Debug) -> io::Result<()> {
    let _ = (x, label);
    Ok(())
}

#[audited("app.open")]
fn open<P: AsRef<Path>>(path: P, flags: &impl Debug) -> io::Result<usize> {
    let _ = flags;
    Ok(path.as_ref().as_os_str().len())
}

fn main() {
    debug(vec![1], "l").unwrap();
    assert_eq!(open("abc", &()).unwrap(), 3);
    assert_eq!(*pick(&[1u8, 2], 1, 0).unwrap(), 2);
    assert_eq!(Wrapper(3u32).get(4u8).unwrap(), 3);
}
