// The run settings npm start passes from its environment to the local functions: those set, checked as the
// functions check them.
import { runSettingsFrom } from '../../local/run-settings';

describe('runSettingsFrom', () => {
  it('takes the overlap, the deep lookback and the lease settings from the environment, and nothing else', () => {
    const env = { OVERLAP_SECONDS: '5', LOOKBACK_SECONDS: '60', LOOKBACK_EVERY_SECONDS: '30', STREAM: 'other', PATH: '/bin' };

    expect(runSettingsFrom(env)).toEqual({ OVERLAP_SECONDS: '5', LOOKBACK_SECONDS: '60', LOOKBACK_EVERY_SECONDS: '30' });
    expect(runSettingsFrom({})).toEqual({});
  });

  it('refuses a value the functions would refuse, naming each wrong setting', () => {
    expect(() => runSettingsFrom({ OVERLAP_SECONDS: 'x', LOOKBACK_EVERY_SECONDS: '0' })).toThrow(
      'invalid configuration: OVERLAP_SECONDS must be a whole number from 0 to 86400, got "x"; ' +
        'LOOKBACK_EVERY_SECONDS must be a whole number from 1 to 2592000, got "0"',
    );
  });
});
