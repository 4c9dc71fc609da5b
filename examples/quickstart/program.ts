/**
 * The quickstart: both SIP accounts of one device, everything from stack config so the same program
 * runs against the emulator (`npm start`) or a real panel:
 *
 *   pulumi config set endpoint http://10.0.0.21
 *   pulumi config set --secret adminPassword '...'
 *   pulumi config set --secret sipPassword '...'
 *   pulumi config set --secret secondSipPassword '...'
 */
import * as pulumi from "@pulumi/pulumi";
import * as basip from "pulumi-basip";

export function quickstart() {
  const cfg = new pulumi.Config();
  const device: basip.DeviceArgs = {
    endpoint: cfg.require("endpoint"),
    username: cfg.get("adminUser") ?? "admin",
    password: cfg.requireSecret("adminPassword"),
  };

  const lobby = new basip.SipAccount("lobby", {
    device,
    proxy: "sip:pbx.example.com",
    realm: "pbx.example.com",
    user: "1001",
    password: cfg.requireSecret("sipPassword"),
    stun: { ip: "stun.example.com", port: 3478 },
    registrationInterval: 300,
    transport: "udp",
    // h264 defaults to 102
  });

  const backup = new basip.SecondSipAccount("lobby-backup", {
    device,
    proxy: "sip:pbx2.example.com",
    realm: "pbx2.example.com",
    user: "1001",
    password: cfg.requireSecret("secondSipPassword"),
    userId: "1001",
    outbound: "",
  });

  return { mainAccount: lobby.id, secondAccount: backup.id, mainUser: lobby.user, secondProxy: backup.proxy };
}
