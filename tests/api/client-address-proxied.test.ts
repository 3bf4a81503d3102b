import { describeSpoofing } from "./spoofing";

// Sign-ins hash a password each; a few dozen of them on a shared, busy machine.
jest.setTimeout(60_000);

/**
 * TRUST_PROXY=1: one proxy in front appends the address it received each request from; what the
 * client wrote to the left of that entry counts for nothing.
 */
describeSpoofing(true);
