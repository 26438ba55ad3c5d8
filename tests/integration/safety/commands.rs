//! The other commands over the same hostile directory: `list` shows names
//! and paths, never values, and does not hang on what it finds; `check`
//! and `exec` refuse hostile secrets at once without printing values (and
//! `exec` then starts nothing); a hostile manifest is an invalid request.

use super::{canary, planted, refs, run};
use crate::support::{Scratch, mkfifo, path_str};

/// A secrets directory holding every kind of hostile entry next to good
/// secrets, all values canaries; the env holds canaries too.
fn hostile_dir() -> (Scratch, Vec<String>, tempfile::TempDir) {
    let (mut s, mut canaries) = planted("g", "k");
    let ok = canary("ok-file");
    s.file("g/ok", &ok);
    let large = canary("large");
    s.file("g/large", large.repeat(40_000));
    let sparse = s.file("g/sparse", "");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&sparse)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let latin1 = canary("latin1");
    s.file("g/latin1", [latin1.as_bytes(), b"\xff"].concat());
    mkfifo(&s.join("g/fifo"));
    std::fs::create_dir_all(s.join("g/adir")).unwrap();
    s.link("g/zero", "/dev/zero");
    s.link("g/loop", "loop");
    s.link("g/dangling", "nothing");
    let outside = tempfile::tempdir().unwrap();
    let out = canary("outside");
    std::fs::write(outside.path().join("k"), &out).unwrap();
    s.link("g/escape", outside.path().join("k"));
    s.link("h", outside.path());
    let env = canary("env");
    s.set("_FSEC_E_K", &env);
    canaries.extend([ok, large, latin1, out, env]);
    (s, canaries, outside)
}

#[test]
fn list_names_everything_and_reads_nothing() {
    let (s, canaries, _outside) = hostile_dir();
    for args in [&["list"][..], &["list", "--json"]] {
        let r = run(&s, args);
        r.answers(0, &refs(&canaries));
        let out = r.stdout_text();
        for name in ["g/ok", "g/fifo", "g/escape", "g/large", "_FSEC_E_K"] {
            assert!(out.contains(name), "{args:?} lists {name}: {out}");
        }
    }
}

#[test]
fn list_walks_each_directory_once_however_many_links_lead_to_it() {
    // Symlinks that stay inside may lead back to a directory already seen:
    // 40 links to "." would make a walk four levels deep visit 40^3
    // directories, and 20 links to a directory holding 20 links to the
    // next (and so on) would do the same without any loop.
    let (s, mut canaries) = planted("g", "k");
    let value = canary("fan-out");
    s.file("g/k", &value);
    canaries.push(value);
    for i in 0..40 {
        s.link(&format!("s{i}"), ".");
    }
    for level in 1..=3 {
        std::fs::create_dir_all(s.join(&format!("d{level}"))).unwrap();
        for i in 0..20 {
            let from = if level == 1 {
                format!("a{i}")
            } else {
                format!("d{}/a{i}", level - 1)
            };
            let to = if level == 1 {
                "d1".to_string()
            } else {
                format!("../d{level}")
            };
            s.link(&from, to);
        }
    }
    s.file("d3/k", canary("deep"));
    for args in [&["list"][..], &["list", "--json"]] {
        let r = run(&s, args);
        r.answers(0, &refs(&canaries));
        assert!(r.stdout_text().contains("g/k"), "{args:?} lists g/k");
        // The other ways in are named, once each, with where to look.
        // d3 is first reached (in name order) as a0/a0/a0.
        assert!(
            r.stdout_text().contains("a0/a0/a0/k"),
            "{args:?} lists d3's k"
        );
        assert!(
            r.stdout_text().contains("s7/")
                && r.stdout_text().contains("a19/")
                && r.stdout_text().contains("d3/"),
            "{args:?}: {}",
            r.stdout_text()
        );
        assert!(r.stdout_text().contains("the same directory as"));
    }
}

#[test]
fn check_reports_hostile_secrets_as_unreadable_without_values() {
    let (s, canaries, _outside) = hostile_dir();
    let c = refs(&canaries);
    for spec in [
        "g/fifo", "g/adir", "g/zero", "g/large", "g/sparse", "g/latin1", "g/escape", "h/k",
    ] {
        run(&s, &["check", spec]).answers(3, &c);
        run(&s, &["check", "g/ok", "e/k", spec]).answers(3, &c);
    }
    for spec in ["g/loop", "g/dangling", "g/missing"] {
        run(&s, &["check", spec]).answers(1, &c);
    }
    let r = run(&s, &["check", "g/ok", "e/k"]);
    r.answers(0, &c);
    assert!(r.stdout_text().contains("present"), "{}", r.stdout_text());
    // Traversal in a spec is an invalid request.
    for spec in ["g/../k", "../k", "g/k@.."] {
        run(&s, &["check", spec]).answers(2, &c);
    }
}

#[test]
fn exec_starts_nothing_for_a_hostile_secret() {
    let (s, canaries, _outside) = hostile_dir();
    let c = refs(&canaries);
    let marker = s.join("started");
    let touch = format!("touch {}", path_str(&marker));
    for (spec, want) in [
        ("g/fifo", 3),
        ("g/zero", 3),
        ("g/sparse", 3),
        ("g/escape", 3),
        ("g/latin1", 3),
        ("g/loop", 1),
        ("g/../ok", 2),
    ] {
        for how in ["--env", "--file"] {
            let binding = format!("X={spec}");
            run(&s, &["exec", how, &binding, "--", "sh", "-c", &touch]).answers(want, &c);
            assert!(!marker.exists(), "{how} {spec}: the command was started");
        }
    }
    // A good secret reaches the child, and nothing prints it.
    let r = run(
        &s,
        &[
            "exec",
            "--env",
            "X=g/ok",
            "--",
            "sh",
            "-c",
            &format!("test -n \"$X\" && {touch}"),
        ],
    );
    r.answers(0, &c);
    assert!(marker.exists());
}

#[test]
fn hostile_manifests_are_invalid_requests_at_once() {
    let (s, canaries, _outside) = hostile_dir();
    let c = refs(&canaries);
    mkfifo(&s.join("m/fifo.yaml"));
    std::fs::create_dir_all(s.join("m/dir.yaml")).unwrap();
    let huge = s.file("m/huge.yaml", "");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&huge)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    s.file("m/garbage.yaml", b"\xff\xfe\x00\x01garbage");
    let in_manifest = canary("in-manifest");
    // A secret file passed as a manifest by mistake: its content must not
    // be echoed in the error.
    s.file("m/secret.yaml", format!("{in_manifest}\n"));
    let mut all = c.clone();
    all.push(&in_manifest);
    for name in [
        "fifo.yaml",
        "dir.yaml",
        "huge.yaml",
        "garbage.yaml",
        "secret.yaml",
    ] {
        let m = path_str(&s.join("m").join(name));
        for cmd in ["check", "exec"] {
            let mut args = vec![cmd, "--manifest", &m];
            if cmd == "exec" {
                args.extend(["--", "true"]);
            }
            let r = run(&s, &args);
            r.answers(2, &all);
            assert!(
                r.stderr_text().contains(&m),
                "names the manifest: {}",
                r.stderr_text()
            );
        }
    }
}

#[test]
fn a_list_shaped_secret_passed_as_a_manifest_is_not_echoed() {
    // A secret file that happens to be a YAML or JSON list (tokens, one per
    // line) parses as a list whose entries are not requests: the error must
    // say so without quoting them.
    let (s, mut canaries) = planted("g", "k");
    let first = canary("list-item");
    let second = canary("flow-item");
    let third = canary("number-item");
    let tagged = canary("tagged-item");
    s.file("m/block.yaml", format!("- {first}\n- {second}\n"));
    s.file("m/flow.json", format!("[\"{second}\", 1]"));
    // A long number (past u64, as a numeric token may be): 30 digits
    // taken from the canary.
    let digits: String = third.chars().filter(char::is_ascii_digit).collect();
    let number: String = format!("9{digits}").chars().cycle().take(30).collect();
    s.file("m/number.yaml", format!("- {number}\n"));
    s.file("m/tagged.yaml", format!("- !!str {tagged}\n"));
    s.file("m/nested.yaml", format!("- [{first}]\n"));
    canaries.extend([first, second, tagged]);
    let c = refs(&canaries);
    for name in [
        "block.yaml",
        "flow.json",
        "number.yaml",
        "tagged.yaml",
        "nested.yaml",
    ] {
        let m = path_str(&s.join("m").join(name));
        let r = run(&s, &["check", "--manifest", &m]);
        r.answers(2, &c);
        assert!(
            !r.stderr_text().contains(&number[..12]),
            "{name}: {}",
            r.stderr_text()
        );
        // Which entry (or, for a number no integer holds, where).
        let err = r.stderr_text();
        assert!(
            err.contains("entry 1") || err.contains("line 1 column 3"),
            "{name}: {}",
            r.stderr_text()
        );
    }
}

/// A secrets directory whose group holds `count` files with long, similar
/// names (each a near miss of the others).
fn crowded_dir(count: usize) -> (Scratch, Vec<String>) {
    let (s, canaries) = planted("g", "k");
    std::fs::create_dir_all(s.join("g")).unwrap();
    for i in 0..count {
        std::fs::File::create(s.join(&format!("g/{}{i:05}", "k".repeat(240)))).unwrap();
    }
    (s, canaries)
}

#[test]
fn a_missing_secret_in_a_crowded_directory_is_answered_in_time() {
    // The "did you mean" comparison costs the product of the name lengths
    // for every file of the group.
    let (s, canaries) = crowded_dir(30_000);
    let c = refs(&canaries);
    let key = "k".repeat(245);
    run(&s, &["get", "g", &key]).answers(1, &c);
    run(&s, &["explain", "g", &key]).answers(0, &c);
}

#[test]
fn many_missing_secrets_in_a_crowded_directory_are_answered_in_time() {
    // Near-miss hints list the directories for each missing secret: a
    // manifest of thousands of missing secrets must not list them
    // thousands of times.
    let (s, canaries) = crowded_dir(3_000);
    s.file("g/Missing0", "");
    let c = refs(&canaries);
    let manifest: String = (0..3_000)
        .map(|i| format!("- {{group: g, key: missing{i}}}\n"))
        .collect();
    let m = s.file("m/many.yaml", manifest);
    let m = path_str(&m);
    let marker = s.join("started");
    let touch = format!("touch {}", path_str(&marker));
    let r = run(&s, &["check", "--manifest", &m]);
    r.answers(1, &c);
    assert_eq!(r.stdout_text().matches(" missing ").count(), 3_000);
    // The first missing ones still get their hints.
    assert!(
        r.stdout_text()
            .contains("file names are read in lower case"),
        "hints are given"
    );
    run(&s, &["check", "--json", "--manifest", &m]).answers(1, &c);
    // exec lists every problem (one or two lines each), so not through
    // `answers`, whose one-error rule does not apply.
    let r = run(&s, &["exec", "--manifest", &m, "--", "sh", "-c", &touch]);
    assert!(
        !r.timed_out && r.elapsed < super::DEADLINE,
        "{:?}",
        r.elapsed
    );
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stderr_text().matches("flyte-secrets: ").count(), 3_000);
    for canary in &c {
        assert!(!super::leaks(&r.stderr, canary) && !super::leaks(&r.stdout, canary));
    }
    assert!(!marker.exists(), "the command was started");
}
