//! An event's one-line `Display` under hostile text: file names, program
//! arguments and `Debug` renderings that try to end the line, close the
//! parentheses or forge another event. Every line must be exactly one line,
//! free of control characters, and decode back to the original bytes.
//! Observed through `testing::capture`, so no global hook is installed here.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use audit_core::{audit, testing, Event, OwnedValue, Value};

/// A decoded argument of the one-line form.
#[derive(Debug, PartialEq)]
enum Decoded {
    /// A quoted string: the bytes it stands for.
    Text(Vec<u8>),
    /// `b"..."`, and the full length when the bytes were cut.
    Bytes(Vec<u8>, Option<usize>),
    /// A bare token (number, boolean, address, `none`).
    Bare(String),
    List(Vec<Decoded>),
}

/// A strict reader of `name(k=v, k=v)`: fails on anything it does not expect,
/// so a forged or ambiguous line is a test failure, not a silent misread.
struct Reader<'a> {
    s: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }
    fn eat(&mut self, lit: &str) -> Result<(), String> {
        if self.s[self.at..].starts_with(lit.as_bytes()) {
            self.at += lit.len();
            Ok(())
        } else {
            Err(format!("expected {lit:?} at {}", self.at))
        }
    }
    fn until(&mut self, stops: &[u8]) -> String {
        let start = self.at;
        while self.peek().is_some_and(|b| !stops.contains(&b)) {
            self.at += 1;
        }
        String::from_utf8(self.s[start..self.at].to_vec()).unwrap()
    }
    fn hex(&mut self, n: usize) -> Result<u32, String> {
        let digits = std::str::from_utf8(&self.s[self.at..self.at + n]).unwrap();
        self.at += n;
        u32::from_str_radix(digits, 16).map_err(|e| format!("{digits:?}: {e}"))
    }
    fn quoted(&mut self) -> Result<Vec<u8>, String> {
        self.eat("\"")?;
        let mut out = Vec::new();
        loop {
            match self.peek().ok_or("unterminated string")? {
                b'"' => {
                    self.at += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.at += 1;
                    let c = self.peek().ok_or("dangling escape")?;
                    self.at += 1;
                    match c {
                        b'"' | b'\\' | b'\'' => out.push(c),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'0' => out.push(0),
                        b'x' => out.push(self.hex(2)? as u8),
                        b'u' => {
                            self.eat("{")?;
                            let digits = self.until(b"}");
                            self.eat("}")?;
                            let c = u32::from_str_radix(&digits, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .ok_or(format!("bad \\u{{{digits}}}"))?;
                            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        }
                        other => return Err(format!("unknown escape \\{}", other as char)),
                    }
                }
                b => {
                    out.push(b);
                    self.at += 1;
                }
            }
        }
    }
    fn value(&mut self) -> Result<Decoded, String> {
        match self.peek() {
            Some(b'"') => self.quoted().map(Decoded::Text),
            Some(b'b') if self.s[self.at..].starts_with(b"b\"") => {
                self.at += 1;
                let shown = self.quoted()?;
                let mut len = None;
                if self.eat("...<").is_ok() {
                    let digits = self.until(b" ");
                    self.eat(" bytes>")?;
                    len = Some(digits.parse().map_err(|e| format!("{digits:?}: {e}"))?);
                }
                Ok(Decoded::Bytes(shown, len))
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Decoded::List(items));
                }
                loop {
                    items.push(self.value()?);
                    if self.peek() == Some(b']') {
                        self.at += 1;
                        return Ok(Decoded::List(items));
                    }
                    self.eat(", ")?;
                }
            }
            _ => {
                let token = self.until(b",)]");
                // Bare tokens never hold spaces, quotes or escapes.
                if token.is_empty() || token.contains([' ', '"', '\\', '(']) {
                    return Err(format!("bad bare token {token:?}"));
                }
                Ok(Decoded::Bare(token))
            }
        }
    }
}

/// Decodes a whole line, insisting that nothing follows the closing `)`.
fn decode(line: &str) -> Result<(String, Vec<(String, Decoded)>), String> {
    let mut r = Reader {
        s: line.as_bytes(),
        at: 0,
    };
    let name = r.until(b"(");
    r.eat("(")?;
    let mut args = Vec::new();
    if r.peek() == Some(b')') {
        r.at += 1;
    } else {
        loop {
            let key = r.until(b"=");
            r.eat("=")?;
            args.push((key, r.value()?));
            if r.peek() == Some(b')') {
                r.at += 1;
                break;
            }
            r.eat(", ")?;
        }
    }
    if r.at != line.len() {
        return Err(format!(
            "trailing text after the event: {:?}",
            &line[r.at..]
        ));
    }
    Ok((name, args))
}

/// The line is one line of printable text.
fn assert_one_clean_line(line: &str) {
    assert!(
        !line.chars().any(|c| c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
        "control or separator character in {line:?}"
    );
    assert_eq!(line.lines().count(), 1, "{line:?}");
}

#[cfg(unix)]
fn bytes_of(p: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    p.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn bytes_of(p: &Path) -> Vec<u8> {
    p.as_os_str().as_encoded_bytes().to_vec()
}

/// File names an attacker would pick, as raw bytes (some are not UTF-8).
fn hostile_names() -> Vec<OsString> {
    let mut names: Vec<OsString> = [
        // A file name cannot hold `/`, the rest of the path can.
        "x)\naudit: fs.open(path=\"\u{2215}etc\u{2215}shadow\", write=true)",
        "x)\r\naudit: fs.remove_file(path=hosts)",
        "cr\roverwrite",
        "q\"uo\"te",
        "paren)",
        "comma, write=true",
        "eq=ual",
        "back\\slash\\n",
        "literal \\xff",
        "tab\there",
        "nel\u{85}next",
        "sep\u{2028}para\u{2029}",
        "bidi\u{202e}txt.exe",
        "esc\u{1b}[2Kcleared",
        "bell\u{7}del\u{7f}",
        "combining\u{301}",
        "caf\u{e9} \u{1f600}",
    ]
    .into_iter()
    .map(OsString::from)
    .collect();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        for raw in [
            &b"name-\xff"[..],
            b"name-\xfe",
            b"name-\xef\xbf\xbd", // U+FFFD itself, valid UTF-8
            b"\xff)\naudit: x(",
            b"half-\xe2\x80",
        ] {
            names.push(OsString::from_vec(raw.to_vec()));
        }
    }
    names
}

#[test]
fn hostile_file_names_stay_on_one_line_and_decode_back() {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = hostile_names().iter().map(|n| dir.path().join(n)).collect();
    // Real files with those names, through the audited drop-ins.
    let (results, events) = testing::capture(|| {
        paths
            .iter()
            .map(|p| audit_std::fs::write(p, b"x"))
            .collect::<Vec<_>>()
    });
    for (p, r) in paths.iter().zip(&results) {
        r.as_ref()
            .unwrap_or_else(|e| panic!("cannot create {p:?}: {e}"));
        assert!(p.exists(), "{p:?}");
    }
    if !audit_core::ENABLED {
        assert!(events.is_empty());
        return;
    }
    let opens: Vec<_> = events.iter().filter(|e| e.name() == "fs.open").collect();
    assert_eq!(opens.len(), paths.len(), "{events:?}");
    let mut lines = Vec::new();
    for (event, path) in opens.iter().zip(&paths) {
        let line = event.to_string();
        assert_one_clean_line(&line);
        let (name, args) = decode(&line).unwrap_or_else(|e| panic!("{e} in {line:?}"));
        assert_eq!(name, "fs.open");
        // Exactly the event's own arguments, none forged.
        let keys: Vec<&str> = args.iter().map(|(k, _)| k.as_str()).collect();
        let expected: Vec<&str> = event.args().map(|(k, _)| k).collect();
        assert_eq!(keys, expected, "{line:?}");
        assert_eq!(args[0].1, Decoded::Text(bytes_of(path)), "{line:?}");
        lines.push(line);
    }
    // Lossless: distinct names give distinct lines (`\xff` and `\xfe` too).
    let mut unique = lines.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), lines.len(), "{lines:#?}");
}

#[test]
fn borrowed_and_owned_events_print_the_same_line() {
    let path = PathBuf::from("/tmp/a\")\nb");
    let arg = OsString::from("-c\n\"x\"");
    let args = [Value::OsStr(&arg), Value::Str("y\r"), Value::Int(-1)];
    // Longer than what is shown, ending in what looks like the cut mark.
    let mut long = vec![b'"'; 70];
    long.extend_from_slice(b"...<3 bytes>");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&seen);
    let (_, events) = testing::capture_with(
        move |e: &Event<'_>| {
            sink.lock().unwrap().push(e.to_string());
            Ok(())
        },
        || {
            audit!(
                "app.run",
                path = &path,
                args = &args[..],
                data = b"\"\n".as_slice(),
                long = long.as_slice()
            )
        },
    );
    if !audit_core::ENABLED {
        return;
    }
    let owned = events[0].to_string();
    assert_eq!(*seen.lock().unwrap(), std::slice::from_ref(&owned));
    assert_eq!(
        owned,
        format!(
            r#"app.run(path="/tmp/a\")\nb", args=["-c\n\"x\"", "y\r", -1], data=b"\"\n", long=b"{}"...<82 bytes>)"#,
            r#"\""#.repeat(64)
        )
    );
    assert_one_clean_line(&owned);
    let (_, decoded) = decode(&owned).unwrap();
    assert_eq!(
        decoded[1].1,
        Decoded::List(vec![
            Decoded::Text(b"-c\n\"x\"".to_vec()),
            Decoded::Text(b"y\r".to_vec()),
            Decoded::Bare("-1".into()),
        ])
    );
    assert_eq!(decoded[2].1, Decoded::Bytes(b"\"\n".to_vec(), None));
    assert_eq!(decoded[3].1, Decoded::Bytes(vec![b'"'; 64], Some(82)));
}

/// A `Debug` implementation is user code: it may print anything.
struct Forger;

impl fmt::Debug for Forger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ok)\naudit: app.grant(user=\"mallory\", role=admin)")
    }
}

#[test]
fn debug_and_display_values_are_quoted_too() {
    let note = String::from("a, b=c)\n");
    let (_, events) = testing::capture(|| {
        audit!(
            "app.grant",
            who = audit_core::debug(Forger),
            note = audit_core::display(&note),
            none = Option::<&str>::None,
            ok = true,
            addr = std::net::SocketAddr::from(([127, 0, 0, 1], 80))
        )
    });
    if !audit_core::ENABLED {
        return;
    }
    let line = events[0].to_string();
    assert_one_clean_line(&line);
    assert_eq!(
        line,
        r#"app.grant(who="ok)\naudit: app.grant(user=\"mallory\", role=admin)", note="a, b=c)\n", none=none, ok=true, addr=127.0.0.1:80)"#
    );
    let (_, args) = decode(&line).unwrap();
    assert_eq!(args.len(), 5);
    assert_eq!(
        args[0].1,
        Decoded::Text(format!("{Forger:?}").into_bytes()),
        "{line}"
    );
}

#[test]
fn plain_and_quoted_value_forms() {
    // The plain form is unchanged; `{:#}` quotes and escapes.
    let v = Value::Str("a\"b\nc");
    assert_eq!(v.to_string(), "a\"b\nc");
    assert_eq!(format!("{v:#}"), r#""a\"b\nc""#);
    assert_eq!(
        format!("{:#}", Value::Str("\u{202e}\u{0}")),
        r#""\u{202e}\u{0}""#
    );
    assert_eq!(format!("{:#}", Value::Uint(3)), "3");
    assert_eq!(format!("{:#}", Value::None), "none");
    assert_eq!(
        format!(
            "{:#}",
            Value::Duration(std::time::Duration::from_millis(1500))
        ),
        "1.5s"
    );
    let owned = OwnedValue::Debug("x\ny".into());
    assert_eq!(owned.to_string(), "x\ny");
    assert_eq!(format!("{owned:#}"), r#""x\ny""#);
    let list = OwnedValue::List(vec![OwnedValue::Str("a".into()), OwnedValue::Uint(1)]);
    assert_eq!(list.to_string(), "[a, 1]");
    assert_eq!(format!("{list:#}"), r#"["a", 1]"#);
}

#[cfg(unix)]
#[test]
fn non_utf8_bytes_are_shown_byte_for_byte() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let ff = Value::Path(Path::new(OsStr::from_bytes(b"name-\xff")));
    let fe = Value::Path(Path::new(OsStr::from_bytes(b"name-\xfe")));
    let text = Value::Path(Path::new("name-\\xff"));
    // The plain form is lossy: both become U+FFFD.
    assert_eq!(ff.to_string(), fe.to_string());
    assert_eq!(format!("{ff:#}"), r#""name-\xff""#);
    assert_eq!(format!("{fe:#}"), r#""name-\xfe""#);
    assert_eq!(format!("{text:#}"), r#""name-\\xff""#);
    let os = Value::OsStr(OsStr::from_bytes(b"\xe2\x80\n"));
    assert_eq!(format!("{os:#}"), r#""\xe2\x80\n""#);
}

#[cfg(unix)]
#[test]
fn hostile_program_arguments_stay_on_one_line() {
    let hostile = OsString::from("x\", \"y\")\naudit: process.spawn(program=\"sh\"");
    let (status, events) = testing::capture(|| {
        audit_std::process::Command::new("true")
            .arg(&hostile)
            .status()
    });
    assert!(status.unwrap().success());
    if !audit_core::ENABLED {
        return;
    }
    let spawn = events
        .iter()
        .find(|e| e.name() == "process.spawn")
        .expect("process.spawn raised");
    let line = spawn.to_string();
    assert_one_clean_line(&line);
    let (_, args) = decode(&line).unwrap_or_else(|e| panic!("{e} in {line:?}"));
    let (_, list) = args.iter().find(|(k, _)| k == "args").expect("args");
    assert_eq!(
        list,
        &Decoded::List(vec![Decoded::Text(hostile.into_encoded_bytes())]),
        "{line}"
    );
}

#[test]
fn even_an_odd_event_name_stays_on_one_line() {
    let (_, events) = testing::capture(|| audit!("app.x)\naudit: app.y", n = 1u8));
    if !audit_core::ENABLED {
        return;
    }
    let line = events[0].to_string();
    assert_one_clean_line(&line);
    assert_eq!(line, r#"app.x)\naudit: app.y(n=1)"#);
}

/// A `Debug` implementation that writes a little, then fails by itself.
struct FailingDebug;

impl fmt::Debug for FailingDebug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("half")?;
        Err(fmt::Error)
    }
}

#[test]
fn a_failing_debug_impl_does_not_make_formatting_fail() {
    let value = Value::Debug(&FailingDebug);
    // `to_string` and `format!` would panic on an error.
    assert_eq!(value.to_string(), "half<Debug failed>");
    assert_eq!(format!("{value:#}"), r#""half<Debug failed>""#);
    assert_eq!(format!("{value:?}"), "half<Debug failed>");
    match OwnedValue::from(value) {
        OwnedValue::Debug(text) => assert_eq!(text, "half<Debug failed>"),
        other => panic!("{other:?}"),
    }

    // A writer that fails still gets its error back.
    struct Full;
    impl fmt::Write for Full {
        fn write_str(&mut self, _: &str) -> fmt::Result {
            Err(fmt::Error)
        }
    }
    assert!(fmt::Write::write_fmt(&mut Full, format_args!("{value}")).is_err());

    // A hook formatting the event does not panic, so the operation is not
    // refused.
    let (result, events) = testing::capture_with(
        |event: &Event<'_>| {
            assert!(event.to_string().contains("<Debug failed>"));
            Ok(())
        },
        || {
            audit!(
                "test.failing_debug",
                value = audit_core::debug(FailingDebug)
            )
        },
    );
    result.unwrap();
    assert_eq!(events.len(), usize::from(audit_core::ENABLED));
}
