use audit_core::audited;
use std::future::Future;
use std::io;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

#[audited("app.fetch")]
async fn fetch(url: &str) -> io::Result<usize> {
    std::future::ready(()).await;
    Ok(url.len())
}

struct Client;

impl Client {
    #[audited("app.client.send", on_veto = panic)]
    async fn send(&self, body: &[u8]) -> usize {
        body.len()
    }
}

trait Remote {
    #[audited("app.remote.ping")]
    async fn ping(&self, n: u32) -> io::Result<u32> {
        Ok(n)
    }
}

impl Remote for Client {}

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            return out;
        }
    }
}

fn assert_send<T: Send>(t: T) -> T {
    t
}

fn main() {
    assert_eq!(block_on(assert_send(fetch("abc"))).unwrap(), 3);
    assert_eq!(block_on(Client.send(b"xy")), 2);
    assert_eq!(block_on(Client.ping(4)).unwrap(), 4);
}
