// The body shared by `size_probe_std` and `size_probe_audited` (see those
// files and `scripts/text-size.sh`). It is `include!`d after the includer has
// brought `fs`, `net` and `process` into scope, from `std` or from
// `audit_std`: the two programs are the same source but for that one line.
//
// It runs a representative set of operations for real (files in a fresh
// temporary directory, sockets on 127.0.0.1 only, a child process that is
// this same program) and prints what it observed. The output does not depend
// on which `fs`/`net`/`process` was used, so a test can compare the two.

use std::io::{Read, Write};

/// The argument that makes the program act as its own child process.
const CHILD_ARG: &str = "--size-probe-child";

fn main() {
    if std::env::args().nth(1).as_deref() == Some(CHILD_ARG) {
        // The child: print one line for the parent to capture.
        println!("child says hello");
        return;
    }
    let dir = std::env::temp_dir().join(format!(
        "audit-hooks-size-probe-{}-{}",
        process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    let result = run(&dir);
    // Clean up whatever happened; the report is about `run`.
    let _ = fs::remove_dir_all(&dir);
    if let Err(err) = result {
        eprintln!("size probe failed: {err}");
        process::exit(1);
    }
}

fn run(dir: &std::path::Path) -> std::io::Result<()> {
    files(dir)?;
    child()?;
    tcp()?;
    udp()?;
    Ok(())
}

fn files(dir: &std::path::Path) -> std::io::Result<()> {
    fs::create_dir_all(dir.join("sub"))?;

    let path = dir.join("a.txt");
    let mut file = fs::File::create(&path)?;
    file.write_all(b"first line\n")?;
    drop(file);

    let mut file = fs::OpenOptions::new().append(true).open(&path)?;
    file.write_all(b"second line\n")?;
    drop(file);

    let mut text = String::new();
    fs::File::open(&path)?.read_to_string(&mut text)?;
    println!("read {} bytes, {} lines", text.len(), text.lines().count());

    fs::write(dir.join("sub").join("b.txt"), text.to_uppercase())?;
    let copy = fs::read_to_string(dir.join("sub").join("b.txt"))?;
    println!("upper: {:?}", copy.lines().next().unwrap_or(""));

    let meta = fs::metadata(&path)?;
    println!("metadata: file={} len={}", meta.is_file(), meta.len());

    let mut names: Vec<String> = fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<_>>()?;
    names.sort();
    println!("entries: {}", names.join(","));

    fs::remove_file(&path)?;
    println!("removed: {}", !path.exists());
    Ok(())
}

fn child() -> std::io::Result<()> {
    let output = process::Command::new(std::env::current_exe()?)
        .arg(CHILD_ARG)
        .output()?;
    println!(
        "child: success={} stdout={:?}",
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).trim_end()
    );
    Ok(())
}

fn tcp() -> std::io::Result<()> {
    let listener = net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let mut client = net::TcpStream::connect(addr)?;
    let (mut server, _) = listener.accept()?;
    client.write_all(b"ping")?;
    let mut buf = [0u8; 4];
    server.read_exact(&mut buf)?;
    server.write_all(b"pong")?;
    let mut reply = [0u8; 4];
    client.read_exact(&mut reply)?;
    println!(
        "tcp: server got {:?}, client got {:?}",
        String::from_utf8_lossy(&buf),
        String::from_utf8_lossy(&reply)
    );
    Ok(())
}

fn udp() -> std::io::Result<()> {
    let a = net::UdpSocket::bind("127.0.0.1:0")?;
    let b = net::UdpSocket::bind("127.0.0.1:0")?;
    a.send_to(b"datagram", b.local_addr()?)?;
    let mut buf = [0u8; 16];
    let (n, from) = b.recv_from(&mut buf)?;
    println!(
        "udp: got {:?} from the first socket: {}",
        String::from_utf8_lossy(&buf[..n]),
        from == a.local_addr()?
    );
    Ok(())
}
