//! A rule protecting local services (`deny` connections and datagrams to
//! `loopback`) against the addresses the kernel delivers to this host
//! without naming loopback: `0.0.0.0`, `::` and `::ffff:0.0.0.0`, over TCP
//! and UDP, through `audit_std`'s and `audit_tokio`'s own sockets. Each
//! attempt must be refused
//! and the listener must see nothing. Its own binary: the policy is a
//! global hook. Traffic stays on loopback.

use std::io;
use std::net::{Ipv6Addr, SocketAddr};
use std::sync::OnceLock;

use audit_policy::Policy;
use audit_std::net::{TcpStream, UdpSocket};

/// The protected services: a TCP listener and a UDP socket on both
/// loopback addresses, all on ports the policy names.
struct Services {
    tcp4: std::net::TcpListener,
    tcp6: Option<std::net::TcpListener>,
    udp4: std::net::UdpSocket,
}

fn services() -> &'static Services {
    static SERVICES: OnceLock<Services> = OnceLock::new();
    SERVICES.get_or_init(|| {
        let tcp4 = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let tcp6 = std::net::TcpListener::bind("[::1]:0").ok();
        let udp4 = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        tcp4.set_nonblocking(true).unwrap();
        udp4.set_nonblocking(true).unwrap();
        if let Some(t) = &tcp6 {
            t.set_nonblocking(true).unwrap();
        }
        let mut ports = vec![
            tcp4.local_addr().unwrap().port(),
            udp4.local_addr().unwrap().port(),
        ];
        ports.extend(tcp6.iter().map(|t| t.local_addr().unwrap().port()));
        let ports: Vec<String> = ports.iter().map(|p| format!("\"{p}\"")).collect();
        Policy::from_toml(&format!(
            r#"
            default = "allow"
            [[rule]]
            action = "deny"
            events = ["@connect", "@send"]
            address = {{ in = ["loopback"] }}
            port = {{ in = [{}] }}
            reason = "local services are off limits"
            "#,
            ports.join(", ")
        ))
        .unwrap()
        .install()
        .unwrap();
        Services { tcp4, tcp6, udp4 }
    })
}

fn assert_refused<T: std::fmt::Debug>(result: io::Result<T>, what: &str) {
    let err = result.expect_err(what);
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied, "{what}: {err}");
}

fn assert_nothing_arrived(listener: &std::net::TcpListener, what: &str) {
    let accepted = listener.accept();
    assert!(
        matches!(&accepted, Err(e) if e.kind() == io::ErrorKind::WouldBlock),
        "{what}: the service was reached: {accepted:?}"
    );
}

#[test]
fn tcp_to_unspecified_addresses_is_refused() {
    if !audit_core::ENABLED {
        return;
    }
    let s = services();
    let port = s.tcp4.local_addr().unwrap().port();
    for addr in [
        SocketAddr::from(([0, 0, 0, 0], port)),
        // IPv4-mapped: the kernel connects to 0.0.0.0, that is, here.
        SocketAddr::from((Ipv6Addr::from([0, 0, 0, 0, 0, 0xffff, 0, 0]), port)),
        SocketAddr::from(([127, 0, 0, 1], port)),
    ] {
        assert_refused(TcpStream::connect(addr), &addr.to_string());
        assert_nothing_arrived(&s.tcp4, &addr.to_string());
    }
    if let Some(tcp6) = &s.tcp6 {
        let addr = SocketAddr::from((Ipv6Addr::UNSPECIFIED, tcp6.local_addr().unwrap().port()));
        assert_refused(TcpStream::connect(addr), "[::]");
        assert_nothing_arrived(tcp6, "[::]");
    }
    // The string forms go through the same resolution.
    assert_refused(
        TcpStream::connect(format!("0.0.0.0:{port}")),
        "0.0.0.0 as text",
    );
    assert_nothing_arrived(&s.tcp4, "0.0.0.0 as text");
}

#[test]
fn udp_to_unspecified_addresses_is_refused() {
    if !audit_core::ENABLED {
        return;
    }
    let s = services();
    let port = s.udp4.local_addr().unwrap().port();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    for addr in [
        SocketAddr::from(([0, 0, 0, 0], port)),
        SocketAddr::from((Ipv6Addr::from([0, 0, 0, 0, 0, 0xffff, 0, 0]), port)),
    ] {
        assert_refused(sender.send_to(b"x", addr), &addr.to_string());
    }
    assert_refused(
        sender.connect(("0.0.0.0", port)),
        "connect a UDP socket to 0.0.0.0",
    );
    let mut buf = [0; 8];
    let got = s.udp4.recv_from(&mut buf);
    assert!(
        matches!(&got, Err(e) if e.kind() == io::ErrorKind::WouldBlock),
        "a datagram arrived: {got:?}"
    );
}

#[test]
fn other_local_ports_stay_reachable() {
    if !audit_core::ENABLED {
        return;
    }
    let _ = services();
    let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = other.local_addr().unwrap().port();
    // Through the unspecified address too: the rule is about the port.
    TcpStream::connect(("0.0.0.0", port)).unwrap();
    other.accept().unwrap();
}

#[test]
fn tokio_sockets_to_unspecified_addresses_are_refused() {
    if !audit_core::ENABLED {
        return;
    }
    let s = services();
    let tcp = s.tcp4.local_addr().unwrap().port();
    let udp = s.udp4.local_addr().unwrap().port();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        use audit_tokio::net::{TcpSocket, TcpStream, UdpSocket};
        for addr in [
            SocketAddr::from(([0, 0, 0, 0], tcp)),
            SocketAddr::from((Ipv6Addr::from([0, 0, 0, 0, 0, 0xffff, 0, 0]), tcp)),
        ] {
            let what = format!("tokio {addr}");
            assert_refused(TcpStream::connect(addr).await, &what);
            let socket = if addr.is_ipv4() {
                TcpSocket::new_v4()
            } else {
                TcpSocket::new_v6()
            };
            assert_refused(socket.unwrap().connect(addr).await, &what);
            assert_nothing_arrived(&s.tcp4, &what);
        }
        assert_refused(
            TcpStream::connect(format!("0.0.0.0:{tcp}")).await,
            "tokio: 0.0.0.0 as text",
        );
        assert_nothing_arrived(&s.tcp4, "tokio: 0.0.0.0 as text");

        let sender = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        assert_refused(
            sender.send_to(b"x", ("0.0.0.0", udp)).await,
            "tokio: datagram to 0.0.0.0",
        );
        assert_refused(
            sender.connect(("0.0.0.0", udp)).await,
            "tokio: connect a UDP socket to 0.0.0.0",
        );
    });
    let mut buf = [0; 8];
    let got = s.udp4.recv_from(&mut buf);
    assert!(
        matches!(&got, Err(e) if e.kind() == io::ErrorKind::WouldBlock),
        "a datagram arrived: {got:?}"
    );
}
