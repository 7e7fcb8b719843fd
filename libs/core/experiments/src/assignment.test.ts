import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROL, assignVariant, bucketOf, validateTraffic } from './assignment';

describe('sticky A/B assignment', () => {
  const variants = [
    { name: 'als-64', traffic: 0.2 },
    { name: 'ease', traffic: 0.1 },
  ];

  it('assigns a member the same variant every time, with no storage', () => {
    for (let m = 0; m < 100; m++) {
      assert.equal(assignVariant(`m${m}`, 'rows', variants), assignVariant(`m${m}`, 'rows', variants));
    }
  });

  it('splits members by the traffic shares', () => {
    const counts = new Map<string, number>();
    const members = 50_000;
    for (let m = 0; m < members; m++) {
      const variant = assignVariant(`m${m}`, 'rows', variants);
      counts.set(variant, (counts.get(variant) ?? 0) + 1);
    }
    // Binomial standard deviation at n = 50,000 is about 0.2%; allow 1%.
    assert.ok(Math.abs((counts.get('als-64') ?? 0) / members - 0.2) < 0.01);
    assert.ok(Math.abs((counts.get('ease') ?? 0) / members - 0.1) < 0.01);
    assert.ok(Math.abs((counts.get(CONTROL) ?? 0) / members - 0.7) < 0.01);
  });

  it('hashes each experiment independently', () => {
    let same = 0;
    for (let m = 0; m < 10_000; m++)
      if (bucketOf(`m${m}`, 'a') < 0.5 === bucketOf(`m${m}`, 'b') < 0.5) same += 1;
    assert.ok(same > 4_700 && same < 5_300, `${same} of 10000 agree`);
  });

  it('rejects traffic shares outside 0..1 or adding up past 1', () => {
    assert.throws(() => validateTraffic([{ name: 'x', traffic: 1.5 }]), /between 0 and 1/);
    assert.throws(
      () =>
        validateTraffic([
          { name: 'x', traffic: 0.6 },
          { name: 'y', traffic: 0.5 },
        ]),
      /add up to 1.100/,
    );
  });
});
