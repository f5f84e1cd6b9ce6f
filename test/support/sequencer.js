// The order jest runs the test files in. With timings from an earlier run (jest's cache), longest first, as jest
// does; without them (a fresh clone), the slowest layers first (end to end, then integration, infra, unit), so no
// long end-to-end file starts last while the other worker has nothing left to run.
const Sequencer = require('@jest/test-sequencer').default;

const LAYERS = ['/test/e2e/', '/test/integration/', '/test/infra/', '/test/unit/'];

const layerOf = (path) => {
  const layer = LAYERS.findIndex((folder) => path.includes(folder));
  return layer === -1 ? LAYERS.length : layer;
};

class LayersFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    // Array.prototype.sort is stable: files with timings keep jest's order (failed, then longest first), after the
    // files without (new ones, as jest has it), which go by layer, then by jest's order (size).
    const untimed = (test) => (test.duration == null ? 0 : 1);
    return sorted.sort((a, b) => untimed(a) - untimed(b) || (untimed(a) === 0 ? layerOf(a.path) - layerOf(b.path) : 0));
  }
}

module.exports = LayersFirstSequencer;
