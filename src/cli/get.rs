//! `flyte-secrets get`.

use std::process::ExitCode;

use flyte_secrets::secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::Failure;
use super::args::GetArgs;
use super::output;

pub(crate) fn run(args: &GetArgs) -> Result<ExitCode, Failure> {
    let request = args.request()?;
    let manager = args.secret.lookup.manager()?;
    let found = manager.resolve(&request, args.mode.mode())?;
    let value = found.value().expose_secret();
    if args.json {
        let json = json_document(&request.id().to_string(), found.origin(), value)?;
        output::stdout_bytes(&json)?;
    } else {
        output::stdout_bytes(value)?;
        if output::stdout_is_terminal() {
            output::stdout_bytes(b"\n")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `{"secret": ..., "found": {...}, "value": "..."}`, or `"value_base64"`
/// when the value is not UTF-8. Written into a buffer reserved large enough
/// for the worst-case escaping, so it never reallocates and leaves a copy
/// of the value behind; the buffer is wiped when dropped.
fn json_document(
    secret: &str,
    origin: &flyte_secrets::Origin,
    value: &[u8],
) -> std::io::Result<Zeroizing<Vec<u8>>> {
    // Keys in the documented order: secret, found, then the value.
    let head = format!(
        "{{\"secret\":{},\"found\":{}}}",
        serde_json::to_string(secret)?,
        serde_json::to_string(origin)?
    );
    let mut out = Zeroizing::new(Vec::with_capacity(head.len() + value.len() * 6 + 64));
    out.extend_from_slice(&head.as_bytes()[..head.len() - 1]);
    match std::str::from_utf8(value) {
        Ok(text) => {
            out.extend_from_slice(b",\"value\":");
            serde_json::to_writer(&mut *out, text)?;
        }
        Err(_) => {
            out.extend_from_slice(b",\"value_base64\":\"");
            base64_into(value, &mut out);
            out.push(b'"');
        }
    }
    out.extend_from_slice(b"}\n");
    Ok(out)
}

/// Standard base64 with padding, appended to `out`.
fn base64_into(bytes: &[u8], out: &mut Vec<u8>) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = Vec::new();
            base64_into(input.as_bytes(), &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn json_document_escapes_controls_and_encodes_binary() {
        let origin = flyte_secrets::Origin::EnvVar { name: "X".into() };
        let doc = json_document("g/k", &origin, &[0x01u8; 100]).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&doc).unwrap();
        assert_eq!(parsed["value"].as_str().unwrap(), "\u{1}".repeat(100));
        assert_eq!(parsed["found"]["name"], "X");
        let doc = json_document("g/k", &origin, b"\xff\x00").unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&doc).unwrap();
        assert_eq!(parsed["value_base64"], "/wA=");
        assert!(parsed.get("value").is_none());
    }
}
