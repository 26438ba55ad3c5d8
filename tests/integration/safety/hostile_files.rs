//! Hostile file system entries where a secret file should be: each gets a
//! fast, typed answer (DESIGN.md: 1 not found, 3 exists but unreadable),
//! never a hang, a panic, an unbounded read or a canary on the output.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use super::{As, canary, planted, refs, run, run_as, run_in, unprivileged_can_use};
use crate::support::{mkfifo, path_str};

/// `mknod`, which needs privilege; `false` (with a note) where it fails.
fn mknod(path: &Path, kind: &str, major: u32, minor: u32) -> bool {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let ok = Command::new("mknod")
        .arg(path)
        .args([kind, &major.to_string(), &minor.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("note: mknod {kind} {major} {minor} is not possible here; case skipped");
    }
    ok
}

/// Every mode and command a hostile entry must be answered in.
const MODES: &[&[&str]] = &[
    &["get"],
    &["get", "--bytes"],
    &["get", "--raw"],
    &["get", "--json"],
];

/// Runs `get` in every mode for `g/k` and expects `code`; `explain` must
/// answer 0 without reading anything.
fn expect_everywhere(s: &crate::support::Scratch, canaries: &[String], code: i32) {
    let c = refs(canaries);
    for mode in MODES {
        let mut args = mode.to_vec();
        args.extend(["--", "g", "k"]);
        run(s, &args).answers(code, &c);
    }
    run(s, &["explain", "--json", "--", "g", "k"]).answers(0, &c);
    run(s, &["explain", "--", "g", "k"]).answers(0, &c);
}

#[test]
fn a_fifo_is_refused_at_once() {
    let (s, canaries) = planted("g", "k");
    mkfifo(&s.join("g/k"));
    expect_everywhere(&s, &canaries, 3);
    let r = run(&s, &["get", "g", "k"]);
    assert!(r.stderr_text().contains("FIFO"), "{}", r.stderr_text());
}

#[test]
fn a_fifo_behind_an_inside_symlink_is_refused() {
    let (s, canaries) = planted("g", "k");
    mkfifo(&s.join("pipes/p"));
    s.link("g/k", "../pipes/p");
    expect_everywhere(&s, &canaries, 3);
}

#[test]
fn a_fifo_with_a_writer_holding_it_open_is_still_refused() {
    // With a writer present, a blocking open would succeed and a read
    // would block until the writer writes: the reader must not even try.
    let (s, canaries) = planted("g", "k");
    let fifo = s.join("g/k");
    mkfifo(&fifo);
    let _writer = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap();
    expect_everywhere(&s, &canaries, 3);
}

#[test]
fn a_socket_is_refused() {
    let (s, canaries) = planted("g", "k");
    std::fs::create_dir_all(s.join("g")).unwrap();
    let _listener = std::os::unix::net::UnixListener::bind(s.join("g/k")).unwrap();
    expect_everywhere(&s, &canaries, 3);
    assert!(run(&s, &["get", "g", "k"]).stderr_text().contains("socket"));
}

#[test]
fn a_directory_is_refused() {
    let (s, canaries) = planted("g", "k");
    std::fs::create_dir_all(s.join("g/k")).unwrap();
    s.file("g/k/inner", canary("inside-dir"));
    expect_everywhere(&s, &canaries, 3);
    assert!(
        run(&s, &["get", "g", "k"])
            .stderr_text()
            .contains("directory")
    );
}

#[test]
fn a_symlink_to_a_directory_inside_is_refused() {
    let (s, canaries) = planted("g", "k");
    std::fs::create_dir_all(s.join("adir")).unwrap();
    s.link("g/k", "../adir");
    expect_everywhere(&s, &canaries, 3);
}

#[test]
fn character_devices_in_the_directory_are_refused() {
    // /dev/zero (1,5) never ends; /dev/null (1,3) is empty; /dev/urandom (1,9).
    for (minor, name) in [(5, "zero"), (3, "null"), (9, "urandom")] {
        let (s, canaries) = planted("g", "k");
        if !mknod(&s.join("g/k"), "c", 1, minor) {
            return;
        }
        expect_everywhere(&s, &canaries, 3);
        let err = run(&s, &["get", "g", "k"]).stderr_text();
        assert!(err.contains("character device"), "{name}: {err}");
    }
}

#[test]
fn a_character_device_behind_an_inside_symlink_is_refused() {
    let (s, canaries) = planted("g", "k");
    if !mknod(&s.join("devs/zero"), "c", 1, 5) {
        return;
    }
    s.link("g/k", "../devs/zero");
    expect_everywhere(&s, &canaries, 3);
}

#[test]
fn a_block_device_is_refused() {
    // loop0 (7,0): a block device node, whether or not a driver is bound.
    let (s, canaries) = planted("g", "k");
    if !mknod(&s.join("g/k"), "b", 7, 0) {
        return;
    }
    expect_everywhere(&s, &canaries, 3);
    assert!(
        run(&s, &["get", "g", "k"])
            .stderr_text()
            .contains("block device")
    );
}

#[test]
fn symlinks_to_system_devices_are_refused() {
    for target in ["/dev/zero", "/dev/null", "/dev/urandom", "/dev/tty"] {
        let (s, canaries) = planted("g", "k");
        s.link("g/k", target);
        let code = if Path::new(target).exists() { 3 } else { 1 };
        expect_everywhere(&s, &canaries, code);
    }
}

/// A directory outside the scratch secrets directory holding a canary
/// secret that must never be read through the secrets directory.
fn outside_secret() -> (tempfile::TempDir, String) {
    let outside = tempfile::tempdir().unwrap();
    let value = canary("outside");
    std::fs::write(outside.path().join("k"), &value).unwrap();
    (outside, value)
}

#[test]
fn an_absolute_symlink_out_is_refused() {
    let (outside, value) = outside_secret();
    let (s, mut canaries) = planted("g", "k");
    canaries.push(value);
    s.link("g/k", outside.path().join("k"));
    expect_everywhere(&s, &canaries, 3);
    let err = run(&s, &["get", "g", "k"]).stderr_text();
    assert!(err.contains("outside"), "{err}");
    assert!(
        err.contains(&path_str(&s.join("g/k"))),
        "names the path: {err}"
    );
}

#[test]
fn a_relative_symlink_out_is_refused() {
    let (outside, value) = outside_secret();
    let (s, mut canaries) = planted("g", "k");
    canaries.push(value);
    let up = "../".repeat(s.path().components().count() + 2);
    let target = format!("{up}{}", path_str(outside.path()).trim_start_matches('/'));
    s.link("g/k", format!("{target}/k"));
    expect_everywhere(&s, &canaries, 3);
    // Climbing just one level above the directory is enough.
    let (s2, canaries2) = planted("g", "k");
    let name = s2.path().file_name().unwrap().to_str().unwrap().to_string();
    std::fs::write(
        s2.path().parent().unwrap().join(format!("{name}-sibling")),
        canary("sibling"),
    )
    .unwrap();
    s2.link("g/k", format!("../../{name}-sibling"));
    expect_everywhere(&s2, &canaries2, 3);
    let _ = std::fs::remove_file(s2.path().parent().unwrap().join(format!("{name}-sibling")));
}

#[test]
fn a_symlinked_group_directory_out_is_refused() {
    let (outside, value) = outside_secret();
    let (s, mut canaries) = planted("g", "k");
    canaries.push(value);
    s.link("g", outside.path());
    expect_everywhere(&s, &canaries, 3);
    // And relative, through the parent of the secrets directory.
    let (s2, canaries2) = planted("g", "k");
    let up = "../".repeat(s2.path().components().count() + 2);
    s2.link(
        "g",
        format!("{up}{}", path_str(outside.path()).trim_start_matches('/')),
    );
    expect_everywhere(&s2, &canaries2, 3);
}

#[test]
fn a_symlink_out_and_back_in_is_followed_only_inside() {
    // `g/k -> /outside/../<dir>/real/k` names a file inside, but the walk
    // passes outside on the way: refused or read, never outside content.
    let (s, canaries) = planted("g", "k");
    let value = canary("inside-real");
    s.file("real/k", &value);
    s.link("g/k", s.join("real/k"));
    // An absolute link to the inside is followed (Kubernetes uses relative
    // ones; absolute ones inside are allowed).
    let r = run(&s, &["get", "g", "k"]);
    r.answers(0, &refs(&canaries));
    assert_eq!(r.stdout, value.as_bytes());
}

#[test]
fn symlink_loops_are_not_found() {
    // flytekit's os.path.exists() is False for a loop: not found (1).
    let (s, canaries) = planted("g", "k");
    s.link("g/k", "k2");
    s.link("g/k2", "k");
    expect_everywhere(&s, &canaries, 1);
    let (s, canaries) = planted("g", "k");
    s.link("g/k", "k");
    expect_everywhere(&s, &canaries, 1);
    // A loop in a directory on the way.
    let (s, canaries) = planted("g", "k");
    s.link("g", "g");
    expect_everywhere(&s, &canaries, 1);
    // A long chain (more than 40 links) counts as a loop too.
    let (s, canaries) = planted("g", "k");
    s.file("g/target", canary("chain-end"));
    for i in 0..60 {
        s.link(&format!("g/l{i}"), format!("l{}", i + 1));
    }
    s.link("g/l60", "target");
    s.link("g/k", "l0");
    expect_everywhere(&s, &canaries, 1);
}

#[test]
fn dangling_symlinks_are_not_found_as_in_flytekit() {
    for target in [
        "nothing-here",
        "../nothing/here",
        "/nonexistent-flyte-secrets/k",
    ] {
        let (s, canaries) = planted("g", "k");
        s.link("g/k", target);
        expect_everywhere(&s, &canaries, 1);
    }
    // Dangling and pointing outside, relatively.
    let (s, canaries) = planted("g", "k");
    s.link("g/k", "../../../../../../../../nonexistent-flyte-secrets");
    expect_everywhere(&s, &canaries, 1);
}

#[test]
fn a_sparse_2_gib_file_is_refused_without_reading_it() {
    let (s, canaries) = planted("g", "k");
    let p = s.file("g/k", "");
    let f = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
    f.set_len(2 << 30).unwrap();
    drop(f);
    expect_everywhere(&s, &canaries, 3);
    let err = run(&s, &["get", "g", "k"]).stderr_text();
    assert!(err.contains("2147483648"), "names the size: {err}");
    // Even with the cap raised past it: the address-space cap would stop a
    // whole read, so it must be refused on its size before reading.
    // It is then refused for want of memory (no abort), still at once.
    let r = run(&s, &["get", "--max-size", "4294967296", "g", "k"]);
    r.answers(3, &refs(&canaries));
    assert!(r.stderr_text().contains("memory"), "{}", r.stderr_text());
}

/// Bytes that are not whitespace and differ along the file, so that a
/// truncated or shifted read is noticed.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 23) as u8).collect()
}

#[test]
fn a_file_over_the_cap_is_refused_and_one_at_the_cap_is_read() {
    const CAP: usize = 1 << 20;
    // Over by one byte, the content a canary.
    let (s, mut canaries) = planted("g", "k");
    let over = canary("too-large");
    let mut content = over.repeat(CAP / over.len() + 1).into_bytes();
    content.truncate(CAP + 1);
    s.file("g/k", &content);
    canaries.push(over);
    expect_everywhere(&s, &canaries, 3);
    let err = run(&s, &["get", "g", "k"]).stderr_text();
    assert!(err.contains("1048577") && err.contains("1048576"), "{err}");

    // Exactly at the cap: read whole, byte for byte.
    let (s, canaries) = planted("g", "k");
    let exact = pattern(CAP);
    s.file("g/k", &exact);
    for mode in [&["get", "--raw"][..], &["get"], &["get", "--bytes"]] {
        let mut args = mode.to_vec();
        args.extend(["g", "k"]);
        let r = run(&s, &args);
        r.answers(0, &refs(&canaries));
        assert_eq!(r.stdout.len(), CAP);
        assert!(r.stdout == exact, "the value read differs from the file");
    }

    // A smaller cap from the command line, both sides of it.
    let (s, canaries) = planted("g", "k");
    s.file("g/k", "0123456789");
    run(&s, &["get", "--max-size", "9", "g", "k"]).answers(3, &refs(&canaries));
    let r = run(&s, &["get", "--max-size", "10", "g", "k"]);
    r.answers(0, &refs(&canaries));
    assert_eq!(r.stdout, b"0123456789");
    run(&s, &["get", "--max-size", "0", "g", "k"]).answers(3, &refs(&canaries));
}

#[test]
fn an_empty_file_is_an_empty_value() {
    let (s, canaries) = planted("g", "k");
    s.file("g/k", "");
    let r = run(&s, &["get", "g", "k"]);
    r.answers(0, &refs(&canaries));
    assert!(r.stdout.is_empty());
}

#[test]
fn a_file_that_is_not_utf8_is_unreadable_as_text_and_read_as_bytes() {
    let (s, mut canaries) = planted("g", "k");
    let value = canary("not-utf8");
    let mut content = value.clone().into_bytes();
    content.extend_from_slice(b"\xff\xfe");
    s.file("g/k", &content);
    canaries.push(value.clone());
    run(&s, &["get", "g", "k"]).answers(3, &refs(&canaries));
    run(&s, &["explain", "g", "k"]).answers(0, &refs(&canaries));
    // In bytes mode it is the value: exactly what was written.
    let r = run(&s, &["get", "--bytes", "g", "k"]);
    assert_eq!(r.code, Some(0));
    assert_eq!(r.stdout, content);
}

#[test]
fn a_group_that_is_a_file_is_not_found() {
    let (s, canaries) = planted("g", "k");
    s.file("g", canary("group-is-a-file"));
    expect_everywhere(&s, &canaries, 1);
}

#[test]
fn the_secrets_directory_missing_or_not_a_directory_is_not_found() {
    let outside = tempfile::tempdir().unwrap();
    let fifo = outside.path().join("fifo");
    mkfifo(&fifo);
    let file = outside.path().join("file");
    std::fs::write(&file, canary("dir-is-a-file")).unwrap();
    let looped = outside.path().join("loop");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let long = format!("/{}", "x/".repeat(3000));
    for dir in [
        path_str(&outside.path().join("missing")),
        path_str(&fifo),
        path_str(&file),
        path_str(&looped),
        "/dev/zero".to_string(),
        "/dev/null".to_string(),
        long,
    ] {
        let (mut s, canaries) = planted("g", "k");
        s.set("FLYTE_SECRETS_DEFAULT_DIR", &dir);
        expect_everywhere(&s, &canaries, 1);
    }
}

#[test]
fn a_magic_link_to_a_pipe_that_never_closes_does_not_block() {
    // With /proc/self as the secrets directory, fd/0 is the binary's own
    // stdin: here a pipe whose writer never writes.
    let (mut s, canaries) = planted("fd", "0");
    s.set("FLYTE_SECRETS_DEFAULT_DIR", "/proc/self");
    let (reader, _writer) = std::io::pipe().unwrap();
    let r = run_in(&s, As::Me, &["get", "fd", "0"], Stdio::from(reader));
    assert!(!r.timed_out, "blocked on the pipe");
    assert!(matches!(r.code, Some(1 | 3)), "{r:?}");
    r.answers(r.code.unwrap(), &refs(&canaries));
}

#[test]
fn a_file_on_procfs_with_no_size_is_read_within_the_cap() {
    // Files in /proc report size 0; the read must still end, capped.
    let (mut s, canaries) = planted("self", "status");
    s.set("FLYTE_SECRETS_DEFAULT_DIR", "/proc");
    let r = run(&s, &["get", "self", "status"]);
    r.answers(0, &refs(&canaries));
    assert!(r.stdout_text().contains("VmPeak"), "{}", r.stdout_text());
    run(&s, &["get", "--max-size", "16", "self", "status"]).answers(3, &refs(&canaries));
}

#[test]
fn permission_denied_on_the_file_names_the_path() {
    let (s, mut canaries) = planted("g", "k");
    if !unprivileged_can_use(s.path()) {
        return;
    }
    let value = canary("no-permission");
    let p = s.file("g/k", &value);
    canaries.push(value);
    std::fs::set_permissions(s.join("g"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let c = refs(&canaries);
    for mode in MODES {
        let mut args = mode.to_vec();
        args.extend(["g", "k"]);
        let r = run_as(&s, As::Unprivileged, &args);
        r.answers(3, &c);
        let err = r.stderr_text();
        assert!(err.contains("permission denied"), "{err}");
        assert!(err.contains(&path_str(&p)), "names the path: {err}");
    }
    run_as(&s, As::Unprivileged, &["explain", "g", "k"]).answers(0, &c);
}

#[test]
fn permission_denied_on_a_directory_on_the_way_is_not_found() {
    // flytekit's os.path.exists() is False when a directory cannot be
    // searched, so the answer is "not found", with a hint saying why.
    let (s, mut canaries) = planted("g", "k");
    if !unprivileged_can_use(s.path()) {
        return;
    }
    let value = canary("behind-closed-dir");
    s.file("g/k", &value);
    canaries.push(value);
    std::fs::set_permissions(s.join("g"), std::fs::Permissions::from_mode(0o700)).unwrap();
    let r = run_as(&s, As::Unprivileged, &["get", "g", "k"]);
    r.answers(1, &refs(&canaries));
    assert!(
        r.stderr_text().contains("permission denied"),
        "{}",
        r.stderr_text()
    );
    // The secrets directory itself closed (the working directory and HOME,
    // where config files are looked for, stay open).
    let (mut s, mut canaries) = planted("g", "k");
    if !unprivileged_can_use(s.path()) {
        return;
    }
    let value = canary("behind-closed-root");
    s.file("closed/g/k", &value);
    canaries.push(value);
    std::fs::set_permissions(s.join("closed"), std::fs::Permissions::from_mode(0o700)).unwrap();
    let closed = path_str(&s.join("closed"));
    s.set("FLYTE_SECRETS_DEFAULT_DIR", &closed);
    run_as(&s, As::Unprivileged, &["get", "g", "k"]).answers(1, &refs(&canaries));
}

#[test]
fn system_directories_as_the_secrets_directory_are_answered() {
    // The secrets directory pointed at /dev or /: devices are refused at
    // once, symlinks out of it (/dev/stdin -> /proc/self/fd/0) too.
    for (dir, group, key, want) in [
        ("/dev", "", "zero", 3),
        ("/dev", "", "null", 3),
        ("/dev", "", "urandom", 3),
        ("/dev", "", "tty", 3),
        ("/dev", "", "stdin", 3),
        ("/dev", "", "no-such-device", 1),
        ("/", "dev", "zero", 3),
        ("/", "proc", "kcore", 3),
        ("/proc/self", "", "mem", 3),
    ] {
        if !Path::new(dir).join(group).join(key).exists() && want != 1 {
            eprintln!("note: {dir}/{group}/{key} does not exist here; case skipped");
            continue;
        }
        let (mut s, canaries) = planted(group, key);
        s.set("FLYTE_SECRETS_DEFAULT_DIR", dir);
        let r = run(&s, &["get", "--", group, key]);
        r.answers(want, &refs(&canaries));
    }
}
