// The batch module's lead frames: segmentLeads sends lead objects to
// LeadObjects (bindings/batch.cc) as value frames (src/core/value_codec.h)
// written by frame.post.js's FrameWriter, the one JavaScript encoder of
// that format, which it exports as Module.FrameWriter. This adds the pass a
// flat lead takes (web/src/batch-objects.js).
//
// Only this module gets it (--post-js of cmake/LeadsegWasmBatch.cmake): the
// page's runtime module, which ships frame.post.js too, pays no byte for it.
/* global Module */
(function () {
  'use strict';

  var FrameWriter = Module['FrameWriter'];
  if (!FrameWriter) return;  // frame.post.js must come first
  var TAG_NULL = 0, TAG_FALSE = 1, TAG_TRUE = 2, TAG_NUMBER = 3, TAG_STRING = 4, TAG_ARRAY = 5, TAG_OBJECT = 6;

  // Whether `s` (written from `from` on) has no lone surrogate. Only a
  // string whose UTF-8 is longer than its UTF-16 can have one, so ASCII
  // text is never scanned twice.
  function wellFormed(writer, from, s) {
    if (writer.pos - from - 4 === s.length) return true;
    if (typeof s.isWellFormed === 'function') return s.isWellFormed();
    // Without String.prototype.isWellFormed: any surrogate at all counts as
    // lone here, and such a lead takes the general path, which decides.
    return !/[\uD800-\uDFFF]/.test(s);
  }

  // One scalar as web/src/flat-props.js accepts it (a string without lone
  // surrogates, a finite number, a boolean, null), -0 written as 0 as JSON
  // has it; false for anything else, with part of it maybe written.
  function scalar(writer, v) {
    switch (typeof v) {
      case 'string': {
        writer.u8(TAG_STRING);
        var from = writer.pos;
        writer.string(v);
        return wellFormed(writer, from, v);
      }
      case 'number':
        if (v - v !== 0) return false;  // NaN, ±Infinity
        writer.reserve(9);
        writer.bytes[writer.pos++] = TAG_NUMBER;
        writer.view.setFloat64(writer.pos, v === 0 ? 0 : v, true);
        writer.pos += 8;
        return true;
      case 'boolean':
        writer.u8(v ? TAG_TRUE : TAG_FALSE);
        return true;
      case 'object':
        if (v !== null) return false;
        writer.u8(TAG_NULL);
        return true;
      default:
        return false;
    }
  }

  /**
   * Writes `object` as an object frame in one pass, if it is flat: exactly
   * what web/src/flat-props.js's flatPropsCopy accepts (no toJSON, no
   * "__proto__" key, no lone surrogate in a key; values scalars or arrays
   * of scalars), so that the frame holds the values JSON.stringify would
   * have written as text. Otherwise writes nothing (the position is put
   * back) and returns false: the caller takes the general path.
   * @param {object} object a plain object (the caller has checked)
   * @returns {boolean}
   */
  FrameWriter.prototype.flatObject = function (object) {
    var start = this.pos;
    if (typeof object.toJSON === 'function') return false;
    var keys = Object.keys(object);
    this.u8(TAG_OBJECT);
    this.u32(keys.length);
    for (var k = 0; k < keys.length; k++) {
      var key = keys[k];
      if (key === '__proto__') return this.undo(start);
      var from = this.pos;
      this.string(key);
      if (!wellFormed(this, from, key)) return this.undo(start);
      var v = object[key];
      if (Array.isArray(v)) {
        if (typeof v.toJSON === 'function') return this.undo(start);
        this.u8(TAG_ARRAY);
        this.u32(v.length);
        // Holes read as undefined, which is not flat.
        for (var i = 0; i < v.length; i++) if (!scalar(this, v[i])) return this.undo(start);
      } else if (!scalar(this, v)) {
        return this.undo(start);
      }
    }
    return true;
  };

  FrameWriter.prototype.undo = function (start) {
    this.pos = start;
    return false;
  };
})();
