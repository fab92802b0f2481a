import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { LettersError } from '@letters/contract';
import {
  decodeIdx,
  decodeIdxImages,
  decodeIdxLabels,
  decodeNpy,
  decodeNpz,
  encodeIdx,
  encodeIdxImages,
  encodeIdxLabels,
  encodeNpy,
  encodeNpz,
  openZip,
  transposeImages,
  withZip,
  type NpyArray,
} from '../../src/data/index.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));

describe('IDX', () => {
  // Two 2x3 upright images with distinct pixels, so a wrong transpose or order shows.
  const upright = { images: Uint8Array.from({ length: 12 }, (_, i) => i * 10), count: 2, height: 2, width: 3 };

  test('stores images transposed like NIST and reads them back upright, gzip or raw', () => {
    for (const gzip of [false, true]) {
      const file = encodeIdxImages(upright, { gzip });
      const raw = gzip ? decodeIdx(file, 'x').data : file.subarray(16);
      // Stored as 3x2: the first stored row is the first upright column (0, 30).
      expect(Array.from(raw.subarray(0, 6))).toEqual([0, 30, 10, 40, 20, 50]);
      expect(decodeIdx(file, 'x').dims).toEqual([2, 3, 2]);
      expect(decodeIdxImages(file, 'x')).toEqual(upright);
    }
  });

  test('classic MNIST files are stored upright: transposed: false keeps the order', () => {
    const file = encodeIdxImages(upright, { transposed: false });
    expect(Array.from(file.subarray(4, 16))).toEqual([0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3]);
    expect(decodeIdxImages(file, 'x', { transposed: false })).toEqual(upright);
  });

  test('header: magic 0x00000803 / 0x00000801 and big-endian dimensions', () => {
    const labels = Uint8Array.from({ length: 300 }, (_, i) => (i % 26) + 1);
    const file = encodeIdxLabels(labels);
    expect(Array.from(file.subarray(0, 8))).toEqual([0, 0, 8, 1, 0, 0, 1, 44]);
    expect(decodeIdxLabels(gzipSync(file), 'x')).toEqual(labels);
    expect(Array.from(encodeIdxImages(upright).subarray(0, 4))).toEqual([0, 0, 8, 3]);
  });

  test('transposing twice gives the images back', () => {
    const data = Uint8Array.from({ length: 5 * 28 * 28 }, (_, i) => (i * 7) % 256);
    expect(transposeImages(transposeImages(data, 5, 28, 28), 5, 28, 28)).toEqual(data);
  });

  test('the encoder refuses data that does not fill its dimensions', () => {
    expect(() => encodeIdx({ dims: [2, 2], data: new Uint8Array(3) })).toThrow(RangeError);
  });
});

describe('npy', () => {
  // Files written by NumPy 1.x/2.x `np.lib.format.write_array`: another implementation to agree with.
  const numpy = {
    u1: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAQIDBAU=',
    f4: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAA/AACgvwAAQEA=',
    fortranI2: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr9/wAA/v8BAP//AgA=',
    bool: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDQsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAEB',
    v2u2: 'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8dTInLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAEAAgA=',
  };

  test('reads what NumPy writes: dtypes, shapes, Fortran order, version 2', () => {
    const u1 = decodeNpy(bytes(numpy.u1), 'u1.npy');
    expect([u1.dtype, u1.shape, Array.from(u1.data)]).toEqual(['u1', [2, 3], [0, 1, 2, 3, 4, 5]]);
    const f4 = decodeNpy(bytes(numpy.f4), 'f4.npy');
    expect([f4.dtype, f4.data]).toEqual(['f4', Float32Array.from([0.5, -1.25, 3])]);
    // np.arange(6).reshape(2, 3) - 3 in Fortran order reads back in C order.
    const fortran = decodeNpy(bytes(numpy.fortranI2), 'f.npy');
    expect([fortran.dtype, fortran.shape, Array.from(fortran.data)]).toEqual(['i2', [2, 3], [-3, -2, -1, 0, 1, 2]]);
    expect(Array.from(decodeNpy(bytes(numpy.bool), 'b.npy').data)).toEqual([1, 0, 1, 1]);
    expect(Array.from(decodeNpy(bytes(numpy.v2u2), 'v2.npy').data)).toEqual([0, 1, 2]);
  });

  test('writes byte-for-byte what NumPy writes', () => {
    expect(encodeNpy({ dtype: 'u1', shape: [2, 3], data: Uint8Array.from([0, 1, 2, 3, 4, 5]) })).toEqual(bytes(numpy.u1));
    expect(encodeNpy({ dtype: 'f4', shape: [3], data: Float32Array.from([0.5, -1.25, 3]) })).toEqual(bytes(numpy.f4));
  });

  test('round-trips every supported dtype', () => {
    const arrays: NpyArray[] = [
      { dtype: 'i1', shape: [2, 2], data: Int8Array.from([-128, 0, 1, 127]) },
      { dtype: 'u2', shape: [3], data: Uint16Array.from([0, 1, 65535]) },
      { dtype: 'i4', shape: [1, 3], data: Int32Array.from([-5, 0, 2 ** 31 - 1]) },
      { dtype: 'u4', shape: [2], data: Uint32Array.from([0, 2 ** 32 - 1]) },
      { dtype: 'f8', shape: [], data: Float64Array.from([Math.PI]) },
    ];
    for (const array of arrays) expect(decodeNpy(encodeNpy(array), 'x.npy')).toEqual(array);
  });
});

describe('npz', () => {
  // np.savez and np.savez_compressed of images (2,2,2) and labels [1, 26]; NumPy writes zip64 local headers.
  const stored =
    'UEsDBC0AAAAAAAAAIQAyr6e1//////////8KABQAaW1hZ2VzLm5weQEAEACIAAAAAAAAAIgAAAAAAAAAk05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAQABAAEAAVBLAwQtAAAAAAAAACEANJoJTP//////////CgAUAGxhYmVscy5ucHkBABAAggAAAAAAAACCAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJ3x1MScsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKARpQSwECLQMtAAAAAAAAACEAMq+ntYgAAACIAAAACgAAAAAAAAAAAAAAgAEAAAAAaW1hZ2VzLm5weVBLAQItAy0AAAAAAAAAIQA0mglMggAAAIIAAAAKAAAAAAAAAAAAAACAAcQAAABsYWJlbHMubnB5UEsFBgAAAAACAAIAcAAAAIIBAAAAAA==';
  const deflated =
    'UEsDBC0AAAAIAAAAIQAyr6e1//////////8KABQAaW1hZ2VzLm5weQEAEACIAAAAAAAAAEoAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgXlNqqK6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaRjoKIKSpo1CrQB7gYmCEQABQSwMELQAAAAgAAAAhADSaCUz//////////woAFABsYWJlbHMubnB5AQAQAIIAAAAAAAAARgAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBeU2qorqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RpGOpo6CrUKFAAuRikAUEsBAi0DLQAAAAgAAAAhADKvp7VKAAAAiAAAAAoAAAAAAAAAAAAAAIABAAAAAGltYWdlcy5ucHlQSwECLQMtAAAACAAAACEANJoJTEYAAACCAAAACgAAAAAAAAAAAAAAgAGGAAAAbGFiZWxzLm5weVBLBQYAAAAAAgACAHAAAAAIAQAAAAA=';

  test('reads np.savez (stored) and np.savez_compressed (deflated) files', async () => {
    for (const file of [stored, deflated]) {
      const arrays = await decodeNpz(bytes(file), 'x.npz');
      expect([...arrays.keys()]).toEqual(['images', 'labels']);
      expect(arrays.get('images')).toEqual({ dtype: 'u1', shape: [2, 2, 2], data: Uint8Array.from([0, 1, 0, 1, 0, 1, 0, 1]) });
      expect(Array.from(arrays.get('labels')!.data)).toEqual([1, 26]);
    }
  });

  test('writes stored or deflated archives that read back', async () => {
    const arrays = {
      images: { dtype: 'u1', shape: [50, 20, 16], data: new Uint8Array(50 * 320).fill(1) },
      labels: { dtype: 'u1', shape: [50], data: new Uint8Array(50).fill(3) },
    } satisfies Record<string, NpyArray>;
    const plain = encodeNpz(arrays);
    const small = encodeNpz(arrays, { compress: true });
    expect(small.length).toBeLessThan(plain.length / 10);
    for (const file of [plain, small]) expect(Object.fromEntries(await decodeNpz(file, 'x.npz'))).toEqual(arrays);
  });
});

describe('zip on disk', () => {
  const members = {
    'gzip/a.gz': new Uint8Array(gzipSync(new Uint8Array(5000).fill(7))),
    'gzip/b.txt': new TextEncoder().encode('hello '.repeat(1000)),
    'gzip/empty': new Uint8Array(0),
  };

  test('lists members and inflates stored and deflated ones', async () => {
    const dir = tempDir('formats');
    for (const level of [0, 6] as const) {
      const path = join(dir, `level${level}.zip`);
      writeFileSync(path, zipSync(members, { level }));
      await withZip(path, async (zip) => {
        expect([...zip.entries.keys()]).toEqual(Object.keys(members));
        expect(zip.entries.get('gzip/b.txt')!.method).toBe(level === 0 ? 0 : 8);
        for (const [name, data] of Object.entries(members)) expect(await zip.read(name)).toEqual(data);
      });
    }
  });

  test('reads an archive written by Python (NumPy npz with zip64 local headers)', async () => {
    const path = join(tempDir('formats'), 'numpy.npz');
    writeFileSync(path, bytes(npzFromNumpy));
    const zip = await openZip(path);
    try {
      expect(decodeNpy(await zip.read('labels.npy'), 'labels').data).toEqual(Uint8Array.from([1, 26]));
    } finally {
      await zip.close();
    }
  });

  test('reads a zip64 archive (Info-ZIP `zip -fz`: zip64 end record, sizes in the zip64 extra field)', async () => {
    const path = join(tempDir('formats'), 'zip64.zip');
    writeFileSync(path, bytes(zip64FromInfoZip));
    await withZip(path, async (zip) => {
      expect(zip.entries.get('gzip/a.txt')).toMatchObject({ method: 8, size: 300, compressedSize: 12 });
      expect(new TextDecoder().decode(await zip.read('gzip/a.txt'))).toBe('zip64 '.repeat(50));
    });
  });

  test('reads only the members asked for: a damaged other member does not matter', async () => {
    const archive = zipSync(members, { level: 6 });
    const path = join(tempDir('formats'), 'damaged.zip');
    const damaged = archive.slice();
    // Overwrite the middle of b.txt's compressed data (after its 30-byte header and name).
    const at = indexOf(archive, new TextEncoder().encode('gzip/b.txt')) + 'gzip/b.txt'.length + 4;
    damaged.fill(0xff, at, at + 8);
    writeFileSync(path, damaged);
    await withZip(path, async (zip) => {
      expect(await zip.read('gzip/a.gz')).toEqual(members['gzip/a.gz']);
      await expect(zip.read('gzip/b.txt')).rejects.toThrow(/damaged\.zip \(member gzip\/b\.txt\): not a valid zip member \(invalid code lengths set\)/);
    });
  });

  test('a missing member is a LettersError naming the archive and the member', async () => {
    const path = join(tempDir('formats'), 'x.zip');
    writeFileSync(path, zipSync(members));
    await withZip(path, async (zip) => {
      await expect(zip.read('gzip/nope.gz')).rejects.toThrow(new LettersError(`${path}: the archive has no member gzip/nope.gz`));
    });
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack).indexOf(Buffer.from(needle));
}

const npzFromNumpy =
  'UEsDBC0AAAAAAAAAIQAyr6e1//////////8KABQAaW1hZ2VzLm5weQEAEACIAAAAAAAAAIgAAAAAAAAAk05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAQABAAEAAVBLAwQtAAAAAAAAACEANJoJTP//////////CgAUAGxhYmVscy5ucHkBABAAggAAAAAAAACCAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJ3x1MScsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKARpQSwECLQMtAAAAAAAAACEAMq+ntYgAAACIAAAACgAAAAAAAAAAAAAAgAEAAAAAaW1hZ2VzLm5weVBLAQItAy0AAAAAAAAAIQA0mglMggAAAIIAAAAKAAAAAAAAAAAAAACAAcQAAABsYWJlbHMubnB5UEsFBgAAAAACAAIAcAAAAIIBAAAAAA==';

// `zip -fz -9 t.zip gzip/a.txt` (Info-ZIP 3.0) with a.txt = 'zip64 ' x 50.
const zip64FromInfoZip =
  'UEsDBC0AAgAIAGYBeF0kWigW//////////8KABQAZ3ppcC9hLnR4dAEAEAAsAQAAAAAAAAwAAAAAAAAAq8osMDNRqBoliSABUEsBAh4DLQACAAgAZgF4XSRaKBYMAAAA/////woADAAAAAAAAQAAAKSBAAAAAGd6aXAvYS50eHQBAAgALAEAAAAAAABQSwYGLAAAAAAAAAAeAy0AAAAAAAAAAAABAAAAAAAAAAEAAAAAAAAARAAAAAAAAABIAAAAAAAAAFBLBgcAAAAAjAAAAAAAAAABAAAAUEsFBgAAAAABAAEARAAAAP////8AAA==';
