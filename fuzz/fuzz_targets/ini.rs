//! The INI reader never panics, on any text: parsing, and then `get` of the
//! three secrets options plus an option named by the input itself.
#![no_main]

use flyte_secrets::config::ini::Ini;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(ini) = Ini::parse(&text) {
        // An option name taken from the input: the text after the last '\n'
        // up to 32 characters, so that interpolation references and odd
        // names are reached too.
        let own: String = text
            .rsplit('\n')
            .next()
            .unwrap_or("")
            .chars()
            .take(32)
            .collect();
        for section in ["secrets", "DEFAULT", own.as_str()] {
            let _ = ini.has_section(section);
            for option in ["env_prefix", "default_dir", "file_prefix", own.as_str()] {
                if let Ok(Some(v)) = ini.get(section, option) {
                    assert!(v.line >= 1);
                }
            }
        }
    }
});
