import * as fs from 'fs';
import * as path from 'path';
import { PINNED_PLATFORMS, statefulLogicalIds } from './stateful-resources';

// CloudFormation replaces a resource whose logical id changes: a new database, cache, file
// system, bucket, key or secret, and the old one is deleted or orphaned with its data. The
// pinned ids are those of the released platforms; a rename fails here before it reaches a user.
const PINNED_FILE = path.join(__dirname, 'stateful-logical-ids.json');
const pinned: Record<string, string[]> = JSON.parse(fs.readFileSync(PINNED_FILE, 'utf8'));

describe('stateful logical ids', () => {
  test('every pinned platform is built', () => {
    expect(Object.keys(PINNED_PLATFORMS).sort()).toEqual(Object.keys(pinned).sort());
  });

  describe.each(Object.keys(PINNED_PLATFORMS))('%s platform', (name) => {
    const current = statefulLogicalIds(PINNED_PLATFORMS[name]());

    test('keeps every pinned id', () => {
      const lost = pinned[name].filter((entry) => !current.includes(entry));
      // A lost id means CloudFormation would replace that resource on update. Keep the construct
      // ids on the path, or use overrideLogicalId, rather than editing the pinned list.
      expect(lost).toEqual([]);
    });

    test('pins every stateful resource', () => {
      const unpinned = current.filter((entry) => !pinned[name].includes(entry));
      // New stateful resources join the list in the same change, in test/quality/stateful-logical-ids.json.
      expect(unpinned).toEqual([]);
    });
  });
});
