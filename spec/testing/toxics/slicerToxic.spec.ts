import { expect } from 'chai';
import { sliceOffsets } from '../../../src/testing/toxics/slicerToxic.js';
import { seqRandom } from '../../helpers/seqRandom.js';

const sizes = (offsets: number[]) => offsets.map((end, i) => end - (offsets[i - 1] ?? 0));

describe('sliceOffsets', () => {
  it('halves until every piece is within size_variation of average_size', () => {
    const offsets = sliceOffsets(0, 100, 10, 0, seqRandom([0.5]));
    expect(sizes(offsets)).to.deep.equal([6, 6, 6, 7, 6, 6, 6, 7, 6, 6, 6, 7, 6, 6, 6, 7]);
    expect(offsets.at(-1)).to.equal(100);
  });

  it('moves each cut by a random shift in [-size_variation, size_variation)', () => {
    // 26 bytes: the first cut is at 13 - 5 = 8 with random 0, at 13 + 4 = 17 with 0.999.
    expect(sliceOffsets(0, 26, 10, 5, seqRandom([0]))).to.deep.equal([8, 12, 26]);
    expect(sliceOffsets(0, 26, 10, 5, seqRandom([0.999]))).to.deep.equal([12, 17, 26]);
  });

  it('leaves a chunk no bigger than average_size + size_variation whole', () => {
    expect(sliceOffsets(0, 12, 10, 2, seqRandom([0.5]))).to.deep.equal([12]);
    expect(sliceOffsets(0, 1, 1, 0, seqRandom([0.5]))).to.deep.equal([1]);
  });

  it('always cuts inside the chunk, whatever the shift', () => {
    const offsets = sliceOffsets(0, 50, 1, 40, seqRandom([0, 0.999, 0.3]));
    expect(sizes(offsets).every((size) => size >= 1)).to.equal(true);
    expect(offsets.at(-1)).to.equal(50);
  });
});
