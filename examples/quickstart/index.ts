// Entry point for `pulumi up` with the root Pulumi.yaml; the program itself is in ./program.ts.
import { quickstart } from "./program";

const outputs = quickstart();
export const mainAccount = outputs.mainAccount;
export const secondAccount = outputs.secondAccount;
export const mainUser = outputs.mainUser;
export const secondProxy = outputs.secondProxy;
