import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initTensorBackend, tf } from './backend';

describe('tensor backend', () => {
  it('picks the best available backend once and computes with it', async () => {
    const choice = await initTensorBackend();
    assert.ok(['tensorflow', 'wasm', 'cpu'].includes(choice.backend));
    assert.equal(tf.getBackend(), choice.backend);
    assert.equal(await initTensorBackend(), choice, 'chosen once per process');
    // Every better backend that was skipped says why.
    const order = ['tensorflow', 'wasm', 'cpu'];
    assert.ok(choice.skipped.length >= order.indexOf(choice.backend));
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const product = tf.matMul(a, a);
    assert.deepEqual(Array.from(await product.data()), [7, 10, 15, 22]);
    tf.dispose([a, product]);
  });
});
