//! The admin page end to end in headless Chromium: runs
//! `tests/browser/admin.test.mjs` (playwright-core, node:test) against the
//! real binary. Needs `chromium` and `node`; `./scripts/test.sh` installs
//! them. Missing tools fail the test with the command that fixes it.

use std::path::Path;
use std::process::Command;

#[test]
fn admin_page_works_in_a_real_browser() {
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "Chromium is needed for the admin page test: apt-get install chromium (or run ./scripts/test.sh)"
    );
    assert!(
        Command::new("node").arg("--version").output().is_ok_and(|output| output.status.success()),
        "Node.js is needed for the admin page test: apt-get install nodejs npm (or run ./scripts/test.sh)"
    );
    if !browser_dir.join("node_modules/playwright-core").exists() {
        let installed = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&browser_dir)
            .status()
            .expect("running npm ci");
        assert!(installed.success(), "npm ci in tests/browser failed");
    }
    let output = Command::new("node")
        .args(["--test", "--test-reporter=spec", "admin.test.mjs"])
        .current_dir(&browser_dir)
        .env("UPJOBS_BIN", env!("CARGO_BIN_EXE_upjobs"))
        .output()
        .expect("running node");
    let report = format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    println!("{report}");
    assert!(output.status.success(), "the browser test failed:\n{report}");
}
