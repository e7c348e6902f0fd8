import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, MissingDependencyError } from '../../../src/core/errors.ts';
import { onnxProto, onnxRuntime, requireOptional } from '../../../src/nn/models/optionalDependencies.ts';

describe('optional training dependencies', () => {
  it('a missing package is a one-line MissingDependencyError (an InputError: CLI exit 2) naming it and the hint', () => {
    assert.throws(
      () => requireOptional('thermodiff-no-such-package', 'npm install thermodiff-no-such-package'),
      (e: unknown) => {
        assert.ok(e instanceof MissingDependencyError && e instanceof InputError);
        assert.equal(e.packageName, 'thermodiff-no-such-package');
        assert.equal(e.message, 'thermodiff-no-such-package is not installed; npm install thermodiff-no-such-package');
        return true;
      },
    );
  });

  it('installed packages load once and are the same module objects afterwards', () => {
    const ort = onnxRuntime();
    assert.equal(typeof ort.InferenceSession.create, 'function');
    assert.equal(onnxRuntime(), ort);
    assert.equal(typeof onnxProto().ModelProto.encode, 'function');
    assert.equal(onnxProto(), onnxProto());
  });
});
