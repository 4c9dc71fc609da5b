/**
 * A throw-away self-signed certificate for TLS tests, made by openssl (no openssl: the test fails,
 * it never skips). Its name is not the address the tests connect to, so only a pin can accept it.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface TestCert {
  readonly key: string;
  readonly cert: string;
  /** Exactly what `openssl x509 -noout -fingerprint -sha256` prints, e.g. `sha256 Fingerprint=AB:CD:...`. */
  readonly opensslLine: string;
  /** The `AB:CD:...` part. */
  readonly fingerprint: string;
}

export function makeCert(commonName = "panel.invalid"): TestCert {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "basip-cert-"));
  try {
    const keyFile = path.join(dir, "key.pem");
    const certFile = path.join(dir, "cert.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", `/CN=${commonName}`, "-keyout", keyFile, "-out", certFile], { stdio: "pipe" });
    // The command docs/guides/https-and-pinning.md tells users to run.
    const opensslLine = execFileSync("openssl", ["x509", "-noout", "-fingerprint", "-sha256", "-in", certFile], { encoding: "utf8" }).trim();
    const fingerprint = opensslLine.slice(opensslLine.indexOf("=") + 1);
    return { key: fs.readFileSync(keyFile, "utf8"), cert: fs.readFileSync(certFile, "utf8"), opensslLine, fingerprint };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
