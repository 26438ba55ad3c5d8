//! `flyte-secrets exec`.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{Scratch, code, stderr, stdout};

#[test]
fn values_reach_the_child_and_never_its_arguments() {
    let mut s = Scratch::new();
    s.file("db/password", "  file-value \n");
    s.set("_FSEC_API_TOKEN", "env-value");
    let out = s.run(&[
        "exec",
        "--env",
        "PW=db/password",
        "--env",
        "TOKEN=api/token",
        "--",
        "sh",
        "-c",
        "printf '%s|%s|%s' \"$PW\" \"$TOKEN\" \"$*\"",
        "sh",
        "arg1",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "file-value|env-value|arg1");
}

#[test]
fn file_injection_uses_the_secret_file_or_a_private_file_removed_after() {
    let mut s = Scratch::new();
    let own = s.file("db/password", "pw");
    s.set("_FSEC_API_TOKEN", " tok ");
    let out = s.run(&[
        "exec", "--file", "DBF=db/password", "--file", "TOKF=api/token", "--",
        "sh", "-c", "echo \"$DBF\"; echo \"$TOKF\"; cat \"$TOKF\"; echo; stat -c %a \"$TOKF\" \"$(dirname \"$TOKF\")\"",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], own.to_str().unwrap());
    assert_eq!(lines[2], "tok");
    assert_eq!(lines[3], "600");
    assert_eq!(lines[4], "700");
    assert!(
        !std::path::Path::new(lines[1]).exists(),
        "private file left behind"
    );
    assert!(
        !std::path::Path::new(lines[1]).parent().unwrap().exists(),
        "private dir left behind"
    );
}

#[test]
fn a_file_variable_name_with_slashes_never_writes_outside() {
    // The variable's name is not a file name: "../x" or an absolute name
    // must not put the secret's private copy anywhere but the private
    // directory, where it is wiped and removed when the command ends.
    let mut s = Scratch::new();
    let tmp = s.join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let tmp_text = tmp.to_str().unwrap().to_string();
    s.set("TMPDIR", &tmp_text);
    s.set("_FSEC_API_TOKEN", "private-copy-only");
    let absolute = s.join("abs-leak");
    for name in [
        "../escaped".to_string(),
        "../../escaped-twice".to_string(),
        absolute.to_str().unwrap().to_string(),
        ".".to_string(),
        "..".to_string(),
    ] {
        let binding = format!("{name}=api/token");
        // sh cannot name the variable (nor pass it on): the child reads its
        // own initial environment.
        let script = "tr '\\0' '\\n' < /proc/$$/environ | while IFS= read -r line; do case \"$line\" in \"$1=\"*) cat \"${line#*=}\";; esac; done";
        let out = s.run(&[
            "exec", "--file", &binding, "--", "sh", "-c", script, "sh", &name,
        ]);
        // Such names are refused before anything is read or written.
        assert_eq!(code(&out), 2, "{name}: {}", stderr(&out));
        assert!(!stdout(&out).contains("private-copy-only"), "{name}");
        for leaked in [
            tmp.join("escaped"),
            s.join("escaped-twice"),
            s.path().parent().unwrap().join("escaped-twice"),
            absolute.clone(),
        ] {
            assert!(!leaked.exists(), "{name}: secret written to {leaked:?}");
        }
        let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
        assert!(left.is_empty(), "{name}: left behind in TMPDIR: {left:?}");
    }
}

#[test]
fn a_missing_secret_means_the_command_never_starts_and_all_are_listed() {
    let s = Scratch::new();
    let marker = s.join("started");
    let out = s.run(&[
        "exec",
        "--env",
        "A=one/missing",
        "--file",
        "B=two/missing",
        "--",
        "touch",
        marker.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 1);
    assert!(!marker.exists(), "the command ran");
    let err = stderr(&out);
    assert!(
        err.contains("one/missing") && err.contains("two/missing"),
        "{err}"
    );
}

#[test]
fn an_unreadable_secret_stops_the_command_with_exit_3() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.join("g/dir")).unwrap();
    let marker = s.join("started");
    let out = s.run(&[
        "exec",
        "--env",
        "A=g/dir",
        "--",
        "touch",
        marker.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 3);
    assert!(!marker.exists());
}

#[test]
fn a_set_variable_needs_override() {
    let mut s = Scratch::new();
    s.set("_FSEC_G_K", "new");
    s.set("TARGET", "old");
    let out = s.run(&["exec", "--env", "TARGET=g/k", "--", "true"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("TARGET"), "{}", stderr(&out));
    let out = s.run(&[
        "exec",
        "--override",
        "--env",
        "TARGET=g/k",
        "--",
        "sh",
        "-c",
        "printf %s \"$TARGET\"",
    ]);
    assert_eq!((code(&out), stdout(&out).as_str()), (0, "new"));
}

#[test]
fn manifest_entries_with_env_var_are_injected_and_others_required() {
    let mut s = Scratch::new();
    s.file("db/password", "pw");
    s.set("_FSEC_API_TOKEN", "tok");
    let m = s.file(
        "m.yaml",
        "- group: api\n  key: token\n  env_var: API_TOKEN\n\
         - group: db\n  key: password\n  mount_requirement: FILE\n  env_var: DB_PASSWORD_FILE\n\
         - group: db\n  key: password\n",
    );
    let out = s.run(&[
        "exec",
        "--manifest",
        m.to_str().unwrap(),
        "--",
        "sh",
        "-c",
        "printf '%s|%s' \"$API_TOKEN\" \"$(cat \"$DB_PASSWORD_FILE\")\"",
    ]);
    assert_eq!(
        (code(&out), stdout(&out).as_str()),
        (0, "tok|pw"),
        "{}",
        stderr(&out)
    );
    let m = s.file("m2.yaml", "- group: not\n  key: there\n");
    let out = s.run(&["exec", "--manifest", m.to_str().unwrap(), "--", "true"]);
    assert_eq!(code(&out), 1);
}

#[test]
fn a_variable_already_holding_the_declared_secret_is_not_a_conflict() {
    let mut s = Scratch::new();
    s.set("API_TOKEN", "delivered");
    let m = s.file(
        "m.yaml",
        "- group: api\n  key: token\n  env_var: API_TOKEN\n",
    );
    let out = s.run(&[
        "exec",
        "--manifest",
        m.to_str().unwrap(),
        "--",
        "sh",
        "-c",
        "printf %s \"$API_TOKEN\"",
    ]);
    assert_eq!(
        (code(&out), stdout(&out).as_str()),
        (0, "delivered"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn exit_status_and_signal_deaths_are_returned() {
    let s = Scratch::new();
    assert_eq!(code(&s.run(&["exec", "--", "sh", "-c", "exit 42"])), 42);
    assert_eq!(
        code(&s.run(&["exec", "--", "sh", "-c", "kill -KILL $$"])),
        128 + 9
    );
    assert_eq!(code(&s.run(&["exec", "--", "no-such-command-here"])), 127);
}

#[test]
fn bad_injection_arguments_are_usage_errors() {
    let s = Scratch::new();
    for args in [
        &["exec", "--env", "NOEQUALS", "--", "true"][..],
        &["exec", "--env", "=g/k", "--", "true"],
        &["exec", "--env", "X Y=g/k", "--", "true"],
        &["exec", "--file", "1X=g/k", "--", "true"],
        &["exec", "--env", "A=g/../x", "--", "true"],
        &["exec", "--env", "A=g/k", "--env", "A=h/k", "--", "true"],
        &["exec", "--env", "A=g/k"],
    ] {
        assert_eq!(code(&s.run(args)), 2, "{args:?}");
    }
}

#[test]
fn a_value_with_a_nul_byte_cannot_be_an_env_var_but_can_be_a_file() {
    let s = Scratch::new();
    s.file("g/k", b"a\x00b");
    let out = s.run(&["exec", "--raw", "--env", "A=g/k", "--", "true"]);
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains("NUL"), "{}", stderr(&out));
    let out = s.run(&[
        "exec",
        "--raw",
        "--file",
        "A=g/k",
        "--",
        "sh",
        "-c",
        "wc -c < \"$A\"",
    ]);
    assert_eq!((code(&out), stdout(&out).trim()), (0, "3"));
}

/// Starts `exec` with a child that reports readiness, sends `signal` to the
/// flyte-secrets process, and returns its exit status.
fn signal_exit(signal: rustix::process::Signal, child_script: &str) -> i32 {
    let mut s = Scratch::new();
    s.set("PATH", "/usr/bin:/bin");
    let mut proc = s
        .command(&["exec", "--", "sh", "-c", child_script])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(proc.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready");
    let pid = rustix::process::Pid::from_raw(proc.id() as i32).unwrap();
    rustix::process::kill_process(pid, signal).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = proc.try_wait().unwrap() {
            return status
                .code()
                .expect("flyte-secrets itself must exit, not die");
        }
        assert!(
            Instant::now() < deadline,
            "exec did not end after the signal"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn signals_reach_the_command() {
    use rustix::process::Signal;
    for (signal, number) in [
        (Signal::TERM, 15),
        (Signal::INT, 2),
        (Signal::HUP, 1),
        (Signal::QUIT, 3),
    ] {
        // The child traps the signal and exits with a status that proves it
        // received it.
        let script = format!(
            "trap 'exit {}' {number}; echo ready; while :; do sleep 0.05; done",
            100 + number
        );
        assert_eq!(
            signal_exit(signal, &script),
            100 + number,
            "signal {number}"
        );
    }
    // Untrapped, the child dies of it, and exec reports 128+N.
    let died = signal_exit(Signal::TERM, "echo ready; exec sleep 30");
    assert_eq!(died, 128 + 15);
}

#[test]
fn other_terminating_signals_reach_the_command_and_private_files_go() {
    // SIGUSR1, SIGUSR2 and SIGALRM end a process that does not handle
    // them: exec must pass them on (and so outlive its command), or the
    // command is orphaned and the private copy of the secret stays on disk.
    use rustix::process::Signal;
    for (signal, number) in [(Signal::USR1, 10), (Signal::USR2, 12), (Signal::ALARM, 14)] {
        let mut s = Scratch::new();
        s.set("PATH", "/usr/bin:/bin");
        let tmp = s.join("tmp");
        std::fs::create_dir(&tmp).unwrap();
        let tmp_text = tmp.to_str().unwrap().to_string();
        s.set("TMPDIR", &tmp_text);
        s.set("_FSEC_API_TOKEN", "to-be-wiped");
        let script = format!(
            // Bounded, so that a child orphaned by a failure ends by itself.
            "trap 'exit {}' {number}; test -f \"$TOK\" && echo ready; i=0; while [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done",
            100 + number
        );
        let mut proc = s
            .command(&["exec", "--file", "TOK=api/token", "--", "sh", "-c", &script])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(proc.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "signal {number}");
        let pid = rustix::process::Pid::from_raw(proc.id() as i32).unwrap();
        rustix::process::kill_process(pid, signal).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = proc.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "exec did not end after {number}");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(
            status.code(),
            Some(100 + number),
            "signal {number}: {status:?}"
        );
        let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
        assert!(left.is_empty(), "signal {number}: left behind: {left:?}");
    }
}

#[test]
fn a_relative_tmpdir_still_gives_the_child_an_absolute_path() {
    let mut s = Scratch::new();
    std::fs::create_dir(s.join("reltmp")).unwrap();
    s.set("TMPDIR", "reltmp");
    s.set("_FSEC_T", "v");
    let out = s.run(&[
        "exec",
        "--file",
        "F=t",
        "--",
        "sh",
        "-c",
        "printf %s \"$F\"",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let path = stdout(&out);
    assert!(path.starts_with('/'), "{path}");
    assert!(path.starts_with(s.path().to_str().unwrap()), "{path}");
}
