;; Convolution epilogue of the tfjs-wasm kernel with relu (sim/wasm/convEpilogue.ts loads this
;; module; scripts/build-wasm.mjs compiles it into convEpilogue.wasm.ts):
;;   y[i] = relu(f32(x[i] + bias[i mod C]))   relu(v) = v > 0 ? v : +0 (NaN and -0 give +0)
;; in place on `count` values (rows of C channels) at byte address $x. f32.add / f32x4.add are
;; single IEEE-754 binary32 additions (round to nearest even): the same number as
;; Math.fround(x + b) on binary32 values. f32x4.gt(v, 0) is all ones exactly when v > 0 (false
;; for NaN and -0), so `v128.and` keeps v or gives the +0 bit pattern: relu exactly as the
;; activation unit, whatever the NaN's payload (a NaN never survives).
;; $pat holds the bias repeated four times (patLen = 4 * C floats, a multiple of 4 lanes); whole
;; groups of four rows run four lanes at a time, the remaining rows one value at a time with the
;; bias at $bias.
(module
  (memory (export "memory") 1)

  (func (export "biasRelu")
    (param $x i32) (param $count i32) (param $pat i32) (param $patLen i32) (param $C i32) (param $bias i32)
    (local $i i32) (local $p i32) (local $end i32) (local $at i32) (local $v v128) (local $s f32) (local $j i32)
    (local.set $end (i32.mul (i32.div_u (local.get $count) (local.get $patLen)) (local.get $patLen)))
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $p (i32.const 0))
        (loop $lanes
          (local.set $at (i32.add (local.get $x) (i32.shl (i32.add (local.get $i) (local.get $p)) (i32.const 2))))
          (local.set $v (f32x4.add
            (v128.load (local.get $at))
            (v128.load (i32.add (local.get $pat) (i32.shl (local.get $p) (i32.const 2))))))
          (v128.store (local.get $at)
            (v128.and (local.get $v) (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br_if $lanes (i32.lt_u (local.get $p) (local.get $patLen))))
        (local.set $i (i32.add (local.get $i) (local.get $patLen)))
        (br $groups)))
    ;; remaining rows ($i is a multiple of C here, so the bias index starts at 0)
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $at (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $s (f32.add
          (f32.load (local.get $at))
          (f32.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))))
        (f32.store (local.get $at)
          (select (local.get $s) (f32.const 0) (f32.gt (local.get $s) (f32.const 0))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (if (i32.eq (local.get $j) (local.get $C)) (then (local.set $j (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))
)
