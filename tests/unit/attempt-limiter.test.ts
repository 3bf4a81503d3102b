import { AttemptLimiter } from "@/lib/attempt-limiter";

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

test("a key is refused once it has used up its failures, and not before", () => {
  const limiter = new AttemptLimiter(3, 60, { clock: clock() });
  for (let i = 0; i < 2; i++) limiter.record("192.0.2.1");
  expect(limiter.blockedSeconds("192.0.2.1")).toBe(0);
  limiter.record("192.0.2.1");
  expect(limiter.blockedSeconds("192.0.2.1")).toBe(60);
  // Other keys are counted on their own.
  expect(limiter.blockedSeconds("192.0.2.2")).toBe(0);
});

test("the window is the one the first failure opened: later failures do not extend it", () => {
  const time = clock();
  const limiter = new AttemptLimiter(2, 60, { clock: time });
  limiter.record("k");
  time.advance(50_000);
  limiter.record("k");
  expect(limiter.blockedSeconds("k")).toBe(10);
  time.advance(9_500);
  expect(limiter.blockedSeconds("k")).toBe(1); // rounded up, never "0 seconds"
  time.advance(501);
  expect(limiter.blockedSeconds("k")).toBe(0);
  // A new window starts with the next failure.
  limiter.record("k");
  expect(limiter.blockedSeconds("k")).toBe(0);
});

test("memory stays bounded: past maxKeys the least recently seen keys are forgotten", () => {
  const limiter = new AttemptLimiter(1, 60, { maxKeys: 100, clock: clock() });
  for (let i = 0; i < 1_000; i++) limiter.record(`2001:db8::${i.toString(16)}`);
  expect(limiter.blockedSeconds("2001:db8::0")).toBe(0);
  expect(limiter.blockedSeconds(`2001:db8::${(999).toString(16)}`)).toBe(60);
});
