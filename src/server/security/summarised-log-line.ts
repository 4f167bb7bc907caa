/**
 * A log line anyone can trigger without signing in (a 401, a throttled sign-in) is written once, then
 * summarised: while events keep coming, one line per window with their count. Without it, a loop of
 * bad requests fills the disk and buries every other line.
 */
export class SummarisedLogLine {
  private suppressed = 0;
  private windowOpen = false;

  /**
   * @param write logs one line: `count` is 1 for the first event of a quiet period, else the number
   *   of events since the previous line.
   */
  constructor(
    private readonly write: (count: number) => void,
    private readonly windowMs = 60_000,
  ) {}

  record(): void {
    if (this.windowOpen) {
      this.suppressed += 1;
      return;
    }
    this.write(1);
    this.openWindow();
  }

  private openWindow(): void {
    this.windowOpen = true;
    // unref: a pending summary must not keep the process (or a test run) alive.
    setTimeout(() => this.closeWindow(), this.windowMs).unref();
  }

  private closeWindow(): void {
    if (this.suppressed === 0) {
      this.windowOpen = false;
      return;
    }
    const count = this.suppressed;
    this.suppressed = 0;
    this.write(count);
    this.openWindow();
  }
}
