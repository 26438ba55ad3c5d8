//! `flyte-secrets exec`: start a command with secrets in its environment,
//! pass signals on, and return its status.

use std::process::ExitCode;

use flyte_secrets::{Delivery, Injection};
use rustix::process::{Pid, Signal};
use signal_hook::consts::{SIGALRM, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
use signal_hook::iterator::Signals;

use super::args::ExecArgs;
use super::{Failure, output, requests};

/// The signals passed on to the command: those that would otherwise end
/// this process (orphaning the command and leaving its private files) and
/// that a command may want to see.
const FORWARDED: [i32; 7] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM];

pub(crate) fn run(args: &ExecArgs) -> Result<ExitCode, Failure> {
    let manifest = requests(args.manifest.as_deref(), &[])?;
    let mut injections = Vec::new();
    let mut problems = Vec::new();
    for (list, delivery) in [
        (&args.env, Delivery::Value),
        (&args.file, Delivery::FilePath),
    ] {
        for arg in list {
            match Injection::parse(arg, delivery) {
                Ok(i) => injections.push(i),
                Err(e) => problems.push(e),
            }
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Many(problems));
    }
    let mut required = Vec::new();
    for request in manifest {
        match Injection::from_manifest_entry(&request) {
            Some(injection) => injections.push(injection),
            None => required.push(request),
        }
    }
    let manager = args.lookup.manager()?;
    let child = manager
        .prepare_child(&injections, &required, args.mode.mode(), args.overwrite)
        .map_err(Failure::Many)?;
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let mut command = child.command(program, rest);

    // Registered before the child starts, so that a signal arriving in
    // between is queued and passed on rather than killing this process.
    let mut signals = Signals::new(FORWARDED).map_err(Failure::Output)?;
    let mut running = match command.spawn() {
        Ok(running) => running,
        Err(e) => {
            output::stderr(&format!(
                "flyte-secrets: cannot start {}: {e}\n",
                program.to_string_lossy()
            ));
            let code = if e.kind() == std::io::ErrorKind::NotFound {
                127
            } else {
                126
            };
            return Ok(ExitCode::from(code));
        }
    };
    // The command's copy of the environment (which holds the values) is not
    // needed any more.
    drop(command);
    let pid = Pid::from_raw(i32::try_from(running.id()).unwrap_or(0));
    let handle = signals.handle();
    let forwarder = std::thread::spawn(move || {
        for signal in signals.forever() {
            if let (Some(pid), Some(sig)) = (pid, to_signal(signal)) {
                let _ = rustix::process::kill_process(pid, sig);
            }
        }
    });
    let status = running.wait();
    handle.close();
    let _ = forwarder.join();
    // Removes the private files (after the command has ended).
    drop(child);
    let status = status.map_err(Failure::Output)?;
    Ok(ExitCode::from(exit_status(status)))
}

fn to_signal(raw: i32) -> Option<Signal> {
    match raw {
        SIGINT => Some(Signal::INT),
        SIGTERM => Some(Signal::TERM),
        SIGHUP => Some(Signal::HUP),
        SIGQUIT => Some(Signal::QUIT),
        SIGUSR1 => Some(Signal::USR1),
        SIGUSR2 => Some(Signal::USR2),
        SIGALRM => Some(Signal::ALARM),
        _ => None,
    }
}

/// The command's status, or 128+N when signal N ended it.
fn exit_status(status: std::process::ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => u8::try_from(code & 0xff).unwrap_or(1),
        (None, Some(signal)) => u8::try_from(128 + signal).unwrap_or(255),
        (None, None) => 1,
    }
}
