import { decideModelAccess, type ModelAccessPolicy } from './model-access';

const open = (denyTags: string[] = []): ModelAccessPolicy => ({ mode: 'open', allowTags: [], denyTags });
const restricted = (allowTags: string[], denyTags: string[] = []): ModelAccessPolicy => ({ mode: 'restricted', allowTags, denyTags });

describe('decideModelAccess', () => {
  it.each<[string, ModelAccessPolicy, string[], boolean, string]>([
    ['open, no tags', open(), [], true, 'open to every member'],
    ['open, unrelated tags', open(['contractors']), ['staff'], true, 'open to every member'],
    ['open, denied tag', open(['contractors']), ['staff', 'contractors'], false, 'denied tag contractors'],
    ['restricted, allowed tag', restricted(['research']), ['research'], true, 'allowed tag research'],
    ['restricted, several allowed tags', restricted(['research', 'ml']), ['ml', 'research'], true, 'allowed tags ml, research'],
    ['restricted, no matching tag', restricted(['research']), ['sales'], false, 'restricted to members tagged research'],
    ['restricted, no tags at all', restricted(['research']), [], false, 'restricted to members tagged research'],
    ['restricted with an empty allow list', restricted([]), ['research'], false, 'allows no tag yet'],
    ['deny wins over allow', restricted(['research'], ['interns']), ['research', 'interns'], false, 'denied tag interns'],
    ['several denied tags are named', open(['a', 'b']), ['b', 'a'], false, 'denied tags b, a'],
  ])('%s', (_name, policy, tags, allowed, reason) => {
    const decision = decideModelAccess(policy, tags);
    expect(decision.allowed).toBe(allowed);
    expect(decision.reason).toContain(reason);
  });

  it('is case-sensitive like tag names themselves', () => {
    expect(decideModelAccess(restricted(['Research']), ['research']).allowed).toBe(false);
  });
});
