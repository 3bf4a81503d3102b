import { describeSpoofing } from "./spoofing";

// Sign-ins hash a password each; a few dozen of them on a shared, busy machine.
jest.setTimeout(60_000);

/** TRUST_PROXY=0: clients connect directly, and the TCP peer is the address, whatever they send. */
describeSpoofing(false);
