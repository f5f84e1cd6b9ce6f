// Peak resident memory of this process, sampled every ~100 ms (RSS rarely shrinks, so a phase's peak is read
// as the highest sample since the phase began).
export interface RssSampler {
  /** Highest RSS (bytes) seen since the last mark (or start); a fresh sample is taken first. */
  peak(): number;
  /** Starts a new window: the peak becomes the current RSS. */
  mark(): number;
  stop(): void;
}

export function sampleRss(intervalMs = 100): RssSampler {
  let peak = process.memoryUsage.rss();
  const take = () => {
    const now = process.memoryUsage.rss();
    if (now > peak) peak = now;
    return now;
  };
  const timer = setInterval(take, intervalMs);
  timer.unref();
  return {
    peak() {
      take();
      return peak;
    },
    mark() {
      peak = take();
      return peak;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
