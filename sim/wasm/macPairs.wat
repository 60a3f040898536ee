;; Array-order fp32 MAC chains of the faulty engine (sim/wasm/macPairs.ts loads this module;
;; scripts/build-wasm.mjs compiles it into macPairs.wasm.ts).
;;
;; One output (m, n) of an array layer for several jobs (images): the clean chain
;;   c = zero; for k in 0..K-1: c = f32(c + f32(w[k] * g[row[k]]))
;; and the faulty chain, equal to the clean one before `first`, then
;;   f = f32(f + f32(wf[k] * x[row[k]]))  for k in first..K-1.
;; f32.add / f32.mul are single IEEE-754 binary32 operations with round-to-nearest-even: the same
;; numbers as Math.fround(a + Math.fround(w * x)) on values that are already binary32 (double
;; rounding is innocuous for + and * since 53 >= 2 * 24 + 2).
;; Addresses are byte addresses into the exported memory. row[k] is a byte offset into an input
;; (padding points at a zero word after the input). Four jobs run interleaved: each chain waits
;; on its previous add, the eight chains of four jobs do not wait on one another.
(module
  (memory (export "memory") 1)

  ;; Four jobs; jobs j read golden inputs at g_j and faulty inputs at x_j (x_j = g_j when no
  ;; upstream change reached the image). Writes f0..f3 then c0..c3 (8 x f32) at `out`.
  (func $four
    (param $row i32) (param $K i32) (param $w i32) (param $wf i32) (param $first i32) (param $zero f32)
    (param $g0 i32) (param $g1 i32) (param $g2 i32) (param $g3 i32)
    (param $x0 i32) (param $x1 i32) (param $x2 i32) (param $x3 i32) (param $out i32)
    (local $k i32) (local $o i32) (local $wk f32) (local $wfk f32)
    (local $c0 f32) (local $c1 f32) (local $c2 f32) (local $c3 f32)
    (local $f0 f32) (local $f1 f32) (local $f2 f32) (local $f3 f32)
    (local.set $c0 (local.get $zero))
    (local.set $c1 (local.get $zero))
    (local.set $c2 (local.get $zero))
    (local.set $c3 (local.get $zero))
    ;; shared prefix: k < first (clean weights, golden inputs)
    (block $prefixDone
      (loop $prefix
        (br_if $prefixDone (i32.ge_s (local.get $k) (local.get $first)))
        (local.set $o (i32.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $wk (f32.load (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $c0 (f32.add (local.get $c0) (f32.mul (local.get $wk) (f32.load (i32.add (local.get $g0) (local.get $o))))))
        (local.set $c1 (f32.add (local.get $c1) (f32.mul (local.get $wk) (f32.load (i32.add (local.get $g1) (local.get $o))))))
        (local.set $c2 (f32.add (local.get $c2) (f32.mul (local.get $wk) (f32.load (i32.add (local.get $g2) (local.get $o))))))
        (local.set $c3 (f32.add (local.get $c3) (f32.mul (local.get $wk) (f32.load (i32.add (local.get $g3) (local.get $o))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $prefix)))
    (local.set $f0 (local.get $c0))
    (local.set $f1 (local.get $c1))
    (local.set $f2 (local.get $c2))
    (local.set $f3 (local.get $c3))
    ;; k >= first: clean and faulty chains apart
    (block $restDone
      (loop $rest
        (br_if $restDone (i32.ge_s (local.get $k) (local.get $K)))
        (local.set $o (i32.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $wk (f32.load (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $wfk (f32.load (i32.add (local.get $wf) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $c0 (f32.add (local.get $c0) (f32.mul (local.get $wk) (f32.load (i32.add (local.get $g0) (local.get $o))))))
        (local.set $c1 (f32.add (local.get $c1) (f32.mul (local.get $wk) (f32.load (i32.add (local.get $g1) (local.get $o))))))
        (local.set $c2 (f32.add (local.get $c2) (f32.mul (local.get $wk) (f32.load (i32.add (local.get $g2) (local.get $o))))))
        (local.set $c3 (f32.add (local.get $c3) (f32.mul (local.get $wk) (f32.load (i32.add (local.get $g3) (local.get $o))))))
        (local.set $f0 (f32.add (local.get $f0) (f32.mul (local.get $wfk) (f32.load (i32.add (local.get $x0) (local.get $o))))))
        (local.set $f1 (f32.add (local.get $f1) (f32.mul (local.get $wfk) (f32.load (i32.add (local.get $x1) (local.get $o))))))
        (local.set $f2 (f32.add (local.get $f2) (f32.mul (local.get $wfk) (f32.load (i32.add (local.get $x2) (local.get $o))))))
        (local.set $f3 (f32.add (local.get $f3) (f32.mul (local.get $wfk) (f32.load (i32.add (local.get $x3) (local.get $o))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rest)))
    (f32.store offset=0 (local.get $out) (local.get $f0))
    (f32.store offset=4 (local.get $out) (local.get $f1))
    (f32.store offset=8 (local.get $out) (local.get $f2))
    (f32.store offset=12 (local.get $out) (local.get $f3))
    (f32.store offset=16 (local.get $out) (local.get $c0))
    (f32.store offset=20 (local.get $out) (local.get $c1))
    (f32.store offset=24 (local.get $out) (local.get $c2))
    (f32.store offset=28 (local.get $out) (local.get $c3)))

  ;; `count` jobs, four at a time: job j's golden and faulty input addresses are the i32 pair at
  ;; jobs + 8j. Block b (jobs 4b..4b+3; the last block repeats the last job) writes its 8 results
  ;; at out + 32b (faulty x4, clean x4).
  (func (export "pairs")
    (param $row i32) (param $K i32) (param $w i32) (param $wf i32) (param $first i32) (param $zero f32)
    (param $jobs i32) (param $count i32) (param $out i32)
    (local $b i32) (local $last i32) (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local.set $last (i32.sub (local.get $count) (i32.const 1)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_s (local.get $b) (local.get $count)))
        ;; byte addresses of the job pairs of this block (clamped to the last job)
        (local.set $a0 (i32.add (local.get $jobs) (i32.shl (local.get $b) (i32.const 3))))
        (local.set $a1 (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 1)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 1)) (local.get $last))) (i32.const 3))))
        (local.set $a2 (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 2)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 2)) (local.get $last))) (i32.const 3))))
        (local.set $a3 (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 3)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 3)) (local.get $last))) (i32.const 3))))
        (call $four
          (local.get $row) (local.get $K) (local.get $w) (local.get $wf) (local.get $first) (local.get $zero)
          (i32.load (local.get $a0)) (i32.load (local.get $a1)) (i32.load (local.get $a2)) (i32.load (local.get $a3))
          (i32.load offset=4 (local.get $a0)) (i32.load offset=4 (local.get $a1)) (i32.load offset=4 (local.get $a2)) (i32.load offset=4 (local.get $a3))
          (i32.add (local.get $out) (i32.shl (local.get $b) (i32.const 3))))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $block))))

  ;; ---- 128-bit lanes ----------------------------------------------------------------------------
  ;; The same chains, four jobs per vector (f32x4.add / f32x4.mul are the same binary32 operations
  ;; lane by lane): the four jobs' input words of a term are gathered into one vector (four loads
  ;; and lane inserts, written out in place: V8 does not inline WebAssembly calls),
  ;; and two vectors (eight jobs) run per pass so that the four dependent chains overlap.

  ;; Address of job j's golden (off 0) or faulty (off 4) input, j clamped to the last job.
  (func $jobAddr (param $jobs i32) (param $j i32) (param $last i32) (param $off i32) (result i32)
    (i32.load (i32.add (i32.add (local.get $jobs) (i32.shl (select (local.get $j) (local.get $last) (i32.lt_s (local.get $j) (local.get $last))) (i32.const 3))) (local.get $off))))

  ;; `pairs` with vectors: same parameters and output layout (per block of four jobs faulty x4 then
  ;; clean x4 at out + 32b; the last blocks repeat the last job), plus $same = 1 when every job's
  ;; faulty input is its golden one (the gathered words then serve both chains).
  (func (export "pairsV")
    (param $row i32) (param $K i32) (param $w i32) (param $wf i32) (param $first i32) (param $zero f32)
    (param $jobs i32) (param $count i32) (param $out i32) (param $same i32)
    (local $b i32) (local $last i32) (local $k i32) (local $o i32)
    (local $g0 i32) (local $g1 i32) (local $g2 i32) (local $g3 i32) (local $g4 i32) (local $g5 i32) (local $g6 i32) (local $g7 i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $x4 i32) (local $x5 i32) (local $x6 i32) (local $x7 i32)
    (local $wk v128) (local $wfk v128) (local $va v128) (local $vb v128) (local $xa v128) (local $xb v128)
    (local $c0 v128) (local $c1 v128) (local $f0 v128) (local $f1 v128)
    (local.set $last (i32.sub (local.get $count) (i32.const 1)))
    (block $done
      (loop $pass
        (br_if $done (i32.ge_s (local.get $b) (local.get $count)))
        (local.set $g0 (call $jobAddr (local.get $jobs) (local.get $b) (local.get $last) (i32.const 0)))
        (local.set $g1 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 1)) (local.get $last) (i32.const 0)))
        (local.set $g2 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 2)) (local.get $last) (i32.const 0)))
        (local.set $g3 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 3)) (local.get $last) (i32.const 0)))
        (local.set $g4 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 4)) (local.get $last) (i32.const 0)))
        (local.set $g5 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 5)) (local.get $last) (i32.const 0)))
        (local.set $g6 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 6)) (local.get $last) (i32.const 0)))
        (local.set $g7 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 7)) (local.get $last) (i32.const 0)))
        (local.set $x0 (call $jobAddr (local.get $jobs) (local.get $b) (local.get $last) (i32.const 4)))
        (local.set $x1 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 1)) (local.get $last) (i32.const 4)))
        (local.set $x2 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 2)) (local.get $last) (i32.const 4)))
        (local.set $x3 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 3)) (local.get $last) (i32.const 4)))
        (local.set $x4 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 4)) (local.get $last) (i32.const 4)))
        (local.set $x5 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 5)) (local.get $last) (i32.const 4)))
        (local.set $x6 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 6)) (local.get $last) (i32.const 4)))
        (local.set $x7 (call $jobAddr (local.get $jobs) (i32.add (local.get $b) (i32.const 7)) (local.get $last) (i32.const 4)))
        (local.set $c0 (f32x4.splat (local.get $zero)))
        (local.set $c1 (f32x4.splat (local.get $zero)))
        (local.set $k (i32.const 0))
        (block $prefixDone
          (loop $prefix
            (br_if $prefixDone (i32.ge_s (local.get $k) (local.get $first)))
            (local.set $o (i32.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $wk (f32x4.splat (f32.load (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 2))))))
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $wk) (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $g0) (local.get $o)))) (f32.load (i32.add (local.get $g1) (local.get $o)))) (f32.load (i32.add (local.get $g2) (local.get $o)))) (f32.load (i32.add (local.get $g3) (local.get $o)))))))
            (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $wk) (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $g4) (local.get $o)))) (f32.load (i32.add (local.get $g5) (local.get $o)))) (f32.load (i32.add (local.get $g6) (local.get $o)))) (f32.load (i32.add (local.get $g7) (local.get $o)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $prefix)))
        (local.set $f0 (local.get $c0))
        (local.set $f1 (local.get $c1))
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_s (local.get $k) (local.get $K)))
            (local.set $o (i32.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $wk (f32x4.splat (f32.load (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 2))))))
            (local.set $wfk (f32x4.splat (f32.load (i32.add (local.get $wf) (i32.shl (local.get $k) (i32.const 2))))))
            (local.set $va (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $g0) (local.get $o)))) (f32.load (i32.add (local.get $g1) (local.get $o)))) (f32.load (i32.add (local.get $g2) (local.get $o)))) (f32.load (i32.add (local.get $g3) (local.get $o)))))
            (local.set $vb (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $g4) (local.get $o)))) (f32.load (i32.add (local.get $g5) (local.get $o)))) (f32.load (i32.add (local.get $g6) (local.get $o)))) (f32.load (i32.add (local.get $g7) (local.get $o)))))
            (if (local.get $same)
              (then
                (local.set $xa (local.get $va))
                (local.set $xb (local.get $vb)))
              (else
                (local.set $xa (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $x0) (local.get $o)))) (f32.load (i32.add (local.get $x1) (local.get $o)))) (f32.load (i32.add (local.get $x2) (local.get $o)))) (f32.load (i32.add (local.get $x3) (local.get $o)))))
                (local.set $xb (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $x4) (local.get $o)))) (f32.load (i32.add (local.get $x5) (local.get $o)))) (f32.load (i32.add (local.get $x6) (local.get $o)))) (f32.load (i32.add (local.get $x7) (local.get $o)))))))
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $wk) (local.get $va))))
            (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $wk) (local.get $vb))))
            (local.set $f0 (f32x4.add (local.get $f0) (f32x4.mul (local.get $wfk) (local.get $xa))))
            (local.set $f1 (f32x4.add (local.get $f1) (f32x4.mul (local.get $wfk) (local.get $xb))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $rest)))
        ;; jobs b..b+3 then b+4..b+7: faulty x4, clean x4 each
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $b) (i32.const 3))))
        (v128.store offset=0 (local.get $o) (local.get $f0))
        (v128.store offset=16 (local.get $o) (local.get $c0))
        (v128.store offset=32 (local.get $o) (local.get $f1))
        (v128.store offset=48 (local.get $o) (local.get $c1))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (br $pass))))

  ;; ---- chains with psum (accumulator register) operations and one im2col row per job ----------
  ;; The faulty and clean chains of `count` jobs, eight per pass in two 4-lane vectors. Job j is
  ;; the 16-byte record at jobs + 16j: (row, g, x, unused): `row` the byte address of its K input
  ;; byte offsets (one output pixel m: jobs may be different outputs of one column, or different
  ;; images), `g` / `x` its golden / faulty input. `ops` holds `nOps` 16-byte records
  ;; (k, and, or, xor), sorted by k: after the faulty chain's MAC of step k (k = -1: on the initial
  ;; zero) its bits become ((bits & and) | or) ^ xor, in record order (a stuck-at-0: and, a
  ;; stuck-at-1: or, a flip: xor; encodeAcc of a float accumulator is its binary32 word), and a
  ;; NaN then gets its quiet bit (JavaScript's decodeAcc reads the word as a number, which quiets a
  ;; signalling NaN: the next op of the same step sees the quieted word there too). The
  ;; chains share the clean prefix k < first (the caller passes first = 0 when a job's faulty input
  ;; differs from its golden one, else at most the first step whose weight or psum is modified).
  ;; Same output layout as pairsV (per block of four jobs faulty x4 then clean x4 at out + 32b).
  ;; Operand order: f32(x * w) and f32(product + psum), as V8's JavaScript computes
  ;; Math.fround(a + Math.fround(w * x)): where two NaNs meet (a NaN psum forced by a stuck bit plus
  ;; a NaN product) both keep the right-hand operand's payload, so these chains equal the engine's
  ;; JavaScript recompute (faultyCompute.ts computeAcc) bit for bit, NaN payloads included.
  (func (export "chainsV")
    (param $K i32) (param $w i32) (param $wf i32) (param $first i32) (param $zero f32)
    (param $jobs i32) (param $count i32) (param $out i32) (param $same i32) (param $ops i32) (param $nOps i32)
    (local $b i32) (local $last i32) (local $k i32) (local $k4 i32) (local $p i32) (local $nextK i32) (local $a i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $r4 i32) (local $r5 i32) (local $r6 i32) (local $r7 i32)
    (local $g0 i32) (local $g1 i32) (local $g2 i32) (local $g3 i32) (local $g4 i32) (local $g5 i32) (local $g6 i32) (local $g7 i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $x4 i32) (local $x5 i32) (local $x6 i32) (local $x7 i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $o4 i32) (local $o5 i32) (local $o6 i32) (local $o7 i32)
    (local $wk v128) (local $wfk v128) (local $va v128) (local $vb v128) (local $xa v128) (local $xb v128)
    (local $c0 v128) (local $c1 v128) (local $f0 v128) (local $f1 v128) (local $mAnd v128) (local $mOr v128) (local $mXor v128)
    (local.set $last (i32.sub (local.get $count) (i32.const 1)))
    (block $done
      (loop $pass
        (br_if $done (i32.ge_s (local.get $b) (local.get $count)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (local.get $b) (local.get $last) (i32.lt_s (local.get $b) (local.get $last))) (i32.const 4))))
        (local.set $r0 (i32.load offset=0 (local.get $a)))
        (local.set $g0 (i32.load offset=4 (local.get $a)))
        (local.set $x0 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 1)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 1)) (local.get $last))) (i32.const 4))))
        (local.set $r1 (i32.load offset=0 (local.get $a)))
        (local.set $g1 (i32.load offset=4 (local.get $a)))
        (local.set $x1 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 2)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 2)) (local.get $last))) (i32.const 4))))
        (local.set $r2 (i32.load offset=0 (local.get $a)))
        (local.set $g2 (i32.load offset=4 (local.get $a)))
        (local.set $x2 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 3)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 3)) (local.get $last))) (i32.const 4))))
        (local.set $r3 (i32.load offset=0 (local.get $a)))
        (local.set $g3 (i32.load offset=4 (local.get $a)))
        (local.set $x3 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 4)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 4)) (local.get $last))) (i32.const 4))))
        (local.set $r4 (i32.load offset=0 (local.get $a)))
        (local.set $g4 (i32.load offset=4 (local.get $a)))
        (local.set $x4 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 5)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 5)) (local.get $last))) (i32.const 4))))
        (local.set $r5 (i32.load offset=0 (local.get $a)))
        (local.set $g5 (i32.load offset=4 (local.get $a)))
        (local.set $x5 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 6)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 6)) (local.get $last))) (i32.const 4))))
        (local.set $r6 (i32.load offset=0 (local.get $a)))
        (local.set $g6 (i32.load offset=4 (local.get $a)))
        (local.set $x6 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 7)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 7)) (local.get $last))) (i32.const 4))))
        (local.set $r7 (i32.load offset=0 (local.get $a)))
        (local.set $g7 (i32.load offset=4 (local.get $a)))
        (local.set $x7 (i32.load offset=8 (local.get $a)))
        (local.set $c0 (f32x4.splat (local.get $zero)))
        (local.set $c1 (f32x4.splat (local.get $zero)))
        (local.set $k (i32.const 0))
        (block $prefixDone
          (loop $prefix
            (br_if $prefixDone (i32.ge_s (local.get $k) (local.get $first)))
            (local.set $k4 (i32.shl (local.get $k) (i32.const 2)))
            (local.set $o0 (i32.load (i32.add (local.get $r0) (local.get $k4))))
            (local.set $o1 (i32.load (i32.add (local.get $r1) (local.get $k4))))
            (local.set $o2 (i32.load (i32.add (local.get $r2) (local.get $k4))))
            (local.set $o3 (i32.load (i32.add (local.get $r3) (local.get $k4))))
            (local.set $o4 (i32.load (i32.add (local.get $r4) (local.get $k4))))
            (local.set $o5 (i32.load (i32.add (local.get $r5) (local.get $k4))))
            (local.set $o6 (i32.load (i32.add (local.get $r6) (local.get $k4))))
            (local.set $o7 (i32.load (i32.add (local.get $r7) (local.get $k4))))
            (local.set $wk (f32x4.splat (f32.load (i32.add (local.get $w) (local.get $k4)))))
            (local.set $c0 (f32x4.add (f32x4.mul (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $g0) (local.get $o0)))) (f32.load (i32.add (local.get $g1) (local.get $o1)))) (f32.load (i32.add (local.get $g2) (local.get $o2)))) (f32.load (i32.add (local.get $g3) (local.get $o3)))) (local.get $wk)) (local.get $c0)))
            (local.set $c1 (f32x4.add (f32x4.mul (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $g4) (local.get $o4)))) (f32.load (i32.add (local.get $g5) (local.get $o5)))) (f32.load (i32.add (local.get $g6) (local.get $o6)))) (f32.load (i32.add (local.get $g7) (local.get $o7)))) (local.get $wk)) (local.get $c1)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $prefix)))
        (local.set $f0 (local.get $c0))
        (local.set $f1 (local.get $c1))
        ;; ops before the first faulty step (k < first: only k = -1, on the initial zero)
        (local.set $p (i32.const 0))
        (block $preOpsDone
          (loop $preOps
            (br_if $preOpsDone (i32.ge_s (local.get $p) (local.get $nOps)))
            (local.set $a (i32.add (local.get $ops) (i32.shl (local.get $p) (i32.const 4))))
            (br_if $preOpsDone (i32.ge_s (i32.load (local.get $a)) (local.get $first)))
            (local.set $mAnd (i32x4.splat (i32.load offset=4 (local.get $a))))
            (local.set $mOr (i32x4.splat (i32.load offset=8 (local.get $a))))
            (local.set $mXor (i32x4.splat (i32.load offset=12 (local.get $a))))
            (local.set $f0 (v128.xor (v128.or (v128.and (local.get $f0) (local.get $mAnd)) (local.get $mOr)) (local.get $mXor)))
                (local.set $f0 (v128.or (local.get $f0) (v128.and (f32x4.ne (local.get $f0) (local.get $f0)) (v128.const i32x4 0x00400000 0x00400000 0x00400000 0x00400000))))
            (local.set $f1 (v128.xor (v128.or (v128.and (local.get $f1) (local.get $mAnd)) (local.get $mOr)) (local.get $mXor)))
                (local.set $f1 (v128.or (local.get $f1) (v128.and (f32x4.ne (local.get $f1) (local.get $f1)) (v128.const i32x4 0x00400000 0x00400000 0x00400000 0x00400000))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $preOps)))
        ;; the step after which the next op acts (K: none)
        (local.set $nextK (select (i32.load (i32.add (local.get $ops) (i32.shl (local.get $p) (i32.const 4)))) (local.get $K) (i32.lt_s (local.get $p) (local.get $nOps))))
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_s (local.get $k) (local.get $K)))
            (local.set $k4 (i32.shl (local.get $k) (i32.const 2)))
            (local.set $o0 (i32.load (i32.add (local.get $r0) (local.get $k4))))
            (local.set $o1 (i32.load (i32.add (local.get $r1) (local.get $k4))))
            (local.set $o2 (i32.load (i32.add (local.get $r2) (local.get $k4))))
            (local.set $o3 (i32.load (i32.add (local.get $r3) (local.get $k4))))
            (local.set $o4 (i32.load (i32.add (local.get $r4) (local.get $k4))))
            (local.set $o5 (i32.load (i32.add (local.get $r5) (local.get $k4))))
            (local.set $o6 (i32.load (i32.add (local.get $r6) (local.get $k4))))
            (local.set $o7 (i32.load (i32.add (local.get $r7) (local.get $k4))))
            (local.set $wk (f32x4.splat (f32.load (i32.add (local.get $w) (local.get $k4)))))
            (local.set $wfk (f32x4.splat (f32.load (i32.add (local.get $wf) (local.get $k4)))))
            (local.set $va (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $g0) (local.get $o0)))) (f32.load (i32.add (local.get $g1) (local.get $o1)))) (f32.load (i32.add (local.get $g2) (local.get $o2)))) (f32.load (i32.add (local.get $g3) (local.get $o3)))))
            (local.set $vb (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $g4) (local.get $o4)))) (f32.load (i32.add (local.get $g5) (local.get $o5)))) (f32.load (i32.add (local.get $g6) (local.get $o6)))) (f32.load (i32.add (local.get $g7) (local.get $o7)))))
            (if (local.get $same)
              (then
                (local.set $xa (local.get $va))
                (local.set $xb (local.get $vb)))
              (else
                (local.set $xa (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $x0) (local.get $o0)))) (f32.load (i32.add (local.get $x1) (local.get $o1)))) (f32.load (i32.add (local.get $x2) (local.get $o2)))) (f32.load (i32.add (local.get $x3) (local.get $o3)))))
                (local.set $xb (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $x4) (local.get $o4)))) (f32.load (i32.add (local.get $x5) (local.get $o5)))) (f32.load (i32.add (local.get $x6) (local.get $o6)))) (f32.load (i32.add (local.get $x7) (local.get $o7)))))))
            (local.set $c0 (f32x4.add (f32x4.mul (local.get $va) (local.get $wk)) (local.get $c0)))
            (local.set $c1 (f32x4.add (f32x4.mul (local.get $vb) (local.get $wk)) (local.get $c1)))
            (local.set $f0 (f32x4.add (f32x4.mul (local.get $xa) (local.get $wfk)) (local.get $f0)))
            (local.set $f1 (f32x4.add (f32x4.mul (local.get $xb) (local.get $wfk)) (local.get $f1)))
            ;; the psum ops of this step, in order
            (block $opsDone
              (loop $stepOps
                (br_if $opsDone (i32.ne (local.get $k) (local.get $nextK)))
                (local.set $a (i32.add (local.get $ops) (i32.shl (local.get $p) (i32.const 4))))
                (local.set $mAnd (i32x4.splat (i32.load offset=4 (local.get $a))))
                (local.set $mOr (i32x4.splat (i32.load offset=8 (local.get $a))))
                (local.set $mXor (i32x4.splat (i32.load offset=12 (local.get $a))))
                (local.set $f0 (v128.xor (v128.or (v128.and (local.get $f0) (local.get $mAnd)) (local.get $mOr)) (local.get $mXor)))
                (local.set $f0 (v128.or (local.get $f0) (v128.and (f32x4.ne (local.get $f0) (local.get $f0)) (v128.const i32x4 0x00400000 0x00400000 0x00400000 0x00400000))))
                (local.set $f1 (v128.xor (v128.or (v128.and (local.get $f1) (local.get $mAnd)) (local.get $mOr)) (local.get $mXor)))
                (local.set $f1 (v128.or (local.get $f1) (v128.and (f32x4.ne (local.get $f1) (local.get $f1)) (v128.const i32x4 0x00400000 0x00400000 0x00400000 0x00400000))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $nextK (select (i32.load (i32.add (local.get $ops) (i32.shl (local.get $p) (i32.const 4)))) (local.get $K) (i32.lt_s (local.get $p) (local.get $nOps))))
                (br $stepOps)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $rest)))
        (local.set $a (i32.add (local.get $out) (i32.shl (local.get $b) (i32.const 3))))
        (v128.store offset=0 (local.get $a) (local.get $f0))
        (v128.store offset=16 (local.get $a) (local.get $c0))
        (v128.store offset=32 (local.get $a) (local.get $f1))
        (v128.store offset=48 (local.get $a) (local.get $c1))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (br $pass))))

  ;; ---- chainsV with one input-offset row shared by every job --------------------------------
  ;; The same chains, operations and output layout as chainsV, for jobs that all read the K input
  ;; byte offsets at `row` (the window row of inputs staged inside their padding): one offset load
  ;; per step instead of eight. The jobs' row fields are ignored.
  (func (export "chainsW")
    (param $K i32) (param $w i32) (param $wf i32) (param $first i32) (param $zero f32)
    (param $jobs i32) (param $count i32) (param $out i32) (param $same i32) (param $ops i32) (param $nOps i32) (param $row i32)
    (local $b i32) (local $last i32) (local $k i32) (local $k4 i32) (local $p i32) (local $nextK i32) (local $a i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $r4 i32) (local $r5 i32) (local $r6 i32) (local $r7 i32)
    (local $g0 i32) (local $g1 i32) (local $g2 i32) (local $g3 i32) (local $g4 i32) (local $g5 i32) (local $g6 i32) (local $g7 i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $x4 i32) (local $x5 i32) (local $x6 i32) (local $x7 i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $o4 i32) (local $o5 i32) (local $o6 i32) (local $o7 i32)
    (local $wk v128) (local $wfk v128) (local $va v128) (local $vb v128) (local $xa v128) (local $xb v128)
    (local $c0 v128) (local $c1 v128) (local $f0 v128) (local $f1 v128) (local $mAnd v128) (local $mOr v128) (local $mXor v128)
    (local.set $last (i32.sub (local.get $count) (i32.const 1)))
    (block $done
      (loop $pass
        (br_if $done (i32.ge_s (local.get $b) (local.get $count)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (local.get $b) (local.get $last) (i32.lt_s (local.get $b) (local.get $last))) (i32.const 4))))
        (local.set $r0 (i32.load offset=0 (local.get $a)))
        (local.set $g0 (i32.load offset=4 (local.get $a)))
        (local.set $x0 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 1)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 1)) (local.get $last))) (i32.const 4))))
        (local.set $r1 (i32.load offset=0 (local.get $a)))
        (local.set $g1 (i32.load offset=4 (local.get $a)))
        (local.set $x1 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 2)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 2)) (local.get $last))) (i32.const 4))))
        (local.set $r2 (i32.load offset=0 (local.get $a)))
        (local.set $g2 (i32.load offset=4 (local.get $a)))
        (local.set $x2 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 3)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 3)) (local.get $last))) (i32.const 4))))
        (local.set $r3 (i32.load offset=0 (local.get $a)))
        (local.set $g3 (i32.load offset=4 (local.get $a)))
        (local.set $x3 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 4)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 4)) (local.get $last))) (i32.const 4))))
        (local.set $r4 (i32.load offset=0 (local.get $a)))
        (local.set $g4 (i32.load offset=4 (local.get $a)))
        (local.set $x4 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 5)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 5)) (local.get $last))) (i32.const 4))))
        (local.set $r5 (i32.load offset=0 (local.get $a)))
        (local.set $g5 (i32.load offset=4 (local.get $a)))
        (local.set $x5 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 6)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 6)) (local.get $last))) (i32.const 4))))
        (local.set $r6 (i32.load offset=0 (local.get $a)))
        (local.set $g6 (i32.load offset=4 (local.get $a)))
        (local.set $x6 (i32.load offset=8 (local.get $a)))
        (local.set $a (i32.add (local.get $jobs) (i32.shl (select (i32.add (local.get $b) (i32.const 7)) (local.get $last) (i32.lt_s (i32.add (local.get $b) (i32.const 7)) (local.get $last))) (i32.const 4))))
        (local.set $r7 (i32.load offset=0 (local.get $a)))
        (local.set $g7 (i32.load offset=4 (local.get $a)))
        (local.set $x7 (i32.load offset=8 (local.get $a)))
        (local.set $c0 (f32x4.splat (local.get $zero)))
        (local.set $c1 (f32x4.splat (local.get $zero)))
        (local.set $k (i32.const 0))
        (block $prefixDone
          (loop $prefix
            (br_if $prefixDone (i32.ge_s (local.get $k) (local.get $first)))
            (local.set $k4 (i32.shl (local.get $k) (i32.const 2)))
            (local.set $o0 (i32.load (i32.add (local.get $row) (local.get $k4))))
            (local.set $wk (f32x4.splat (f32.load (i32.add (local.get $w) (local.get $k4)))))
            (local.set $c0 (f32x4.add (f32x4.mul (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $g0) (local.get $o0)))) (f32.load (i32.add (local.get $g1) (local.get $o0)))) (f32.load (i32.add (local.get $g2) (local.get $o0)))) (f32.load (i32.add (local.get $g3) (local.get $o0)))) (local.get $wk)) (local.get $c0)))
            (local.set $c1 (f32x4.add (f32x4.mul (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $g4) (local.get $o0)))) (f32.load (i32.add (local.get $g5) (local.get $o0)))) (f32.load (i32.add (local.get $g6) (local.get $o0)))) (f32.load (i32.add (local.get $g7) (local.get $o0)))) (local.get $wk)) (local.get $c1)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $prefix)))
        (local.set $f0 (local.get $c0))
        (local.set $f1 (local.get $c1))
        ;; ops before the first faulty step (k < first: only k = -1, on the initial zero)
        (local.set $p (i32.const 0))
        (block $preOpsDone
          (loop $preOps
            (br_if $preOpsDone (i32.ge_s (local.get $p) (local.get $nOps)))
            (local.set $a (i32.add (local.get $ops) (i32.shl (local.get $p) (i32.const 4))))
            (br_if $preOpsDone (i32.ge_s (i32.load (local.get $a)) (local.get $first)))
            (local.set $mAnd (i32x4.splat (i32.load offset=4 (local.get $a))))
            (local.set $mOr (i32x4.splat (i32.load offset=8 (local.get $a))))
            (local.set $mXor (i32x4.splat (i32.load offset=12 (local.get $a))))
            (local.set $f0 (v128.xor (v128.or (v128.and (local.get $f0) (local.get $mAnd)) (local.get $mOr)) (local.get $mXor)))
                (local.set $f0 (v128.or (local.get $f0) (v128.and (f32x4.ne (local.get $f0) (local.get $f0)) (v128.const i32x4 0x00400000 0x00400000 0x00400000 0x00400000))))
            (local.set $f1 (v128.xor (v128.or (v128.and (local.get $f1) (local.get $mAnd)) (local.get $mOr)) (local.get $mXor)))
                (local.set $f1 (v128.or (local.get $f1) (v128.and (f32x4.ne (local.get $f1) (local.get $f1)) (v128.const i32x4 0x00400000 0x00400000 0x00400000 0x00400000))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $preOps)))
        ;; the step after which the next op acts (K: none)
        (local.set $nextK (select (i32.load (i32.add (local.get $ops) (i32.shl (local.get $p) (i32.const 4)))) (local.get $K) (i32.lt_s (local.get $p) (local.get $nOps))))
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_s (local.get $k) (local.get $K)))
            (local.set $k4 (i32.shl (local.get $k) (i32.const 2)))
            (local.set $o0 (i32.load (i32.add (local.get $row) (local.get $k4))))
            (local.set $wk (f32x4.splat (f32.load (i32.add (local.get $w) (local.get $k4)))))
            (local.set $wfk (f32x4.splat (f32.load (i32.add (local.get $wf) (local.get $k4)))))
            (local.set $va (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $g0) (local.get $o0)))) (f32.load (i32.add (local.get $g1) (local.get $o0)))) (f32.load (i32.add (local.get $g2) (local.get $o0)))) (f32.load (i32.add (local.get $g3) (local.get $o0)))))
            (local.set $vb (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $g4) (local.get $o0)))) (f32.load (i32.add (local.get $g5) (local.get $o0)))) (f32.load (i32.add (local.get $g6) (local.get $o0)))) (f32.load (i32.add (local.get $g7) (local.get $o0)))))
            (if (local.get $same)
              (then
                (local.set $xa (local.get $va))
                (local.set $xb (local.get $vb)))
              (else
                (local.set $xa (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $x0) (local.get $o0)))) (f32.load (i32.add (local.get $x1) (local.get $o0)))) (f32.load (i32.add (local.get $x2) (local.get $o0)))) (f32.load (i32.add (local.get $x3) (local.get $o0)))))
                (local.set $xb (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (f32.load (i32.add (local.get $x4) (local.get $o0)))) (f32.load (i32.add (local.get $x5) (local.get $o0)))) (f32.load (i32.add (local.get $x6) (local.get $o0)))) (f32.load (i32.add (local.get $x7) (local.get $o0)))))))
            (local.set $c0 (f32x4.add (f32x4.mul (local.get $va) (local.get $wk)) (local.get $c0)))
            (local.set $c1 (f32x4.add (f32x4.mul (local.get $vb) (local.get $wk)) (local.get $c1)))
            (local.set $f0 (f32x4.add (f32x4.mul (local.get $xa) (local.get $wfk)) (local.get $f0)))
            (local.set $f1 (f32x4.add (f32x4.mul (local.get $xb) (local.get $wfk)) (local.get $f1)))
            ;; the psum ops of this step, in order
            (block $opsDone
              (loop $stepOps
                (br_if $opsDone (i32.ne (local.get $k) (local.get $nextK)))
                (local.set $a (i32.add (local.get $ops) (i32.shl (local.get $p) (i32.const 4))))
                (local.set $mAnd (i32x4.splat (i32.load offset=4 (local.get $a))))
                (local.set $mOr (i32x4.splat (i32.load offset=8 (local.get $a))))
                (local.set $mXor (i32x4.splat (i32.load offset=12 (local.get $a))))
                (local.set $f0 (v128.xor (v128.or (v128.and (local.get $f0) (local.get $mAnd)) (local.get $mOr)) (local.get $mXor)))
                (local.set $f0 (v128.or (local.get $f0) (v128.and (f32x4.ne (local.get $f0) (local.get $f0)) (v128.const i32x4 0x00400000 0x00400000 0x00400000 0x00400000))))
                (local.set $f1 (v128.xor (v128.or (v128.and (local.get $f1) (local.get $mAnd)) (local.get $mOr)) (local.get $mXor)))
                (local.set $f1 (v128.or (local.get $f1) (v128.and (f32x4.ne (local.get $f1) (local.get $f1)) (v128.const i32x4 0x00400000 0x00400000 0x00400000 0x00400000))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $nextK (select (i32.load (i32.add (local.get $ops) (i32.shl (local.get $p) (i32.const 4)))) (local.get $K) (i32.lt_s (local.get $p) (local.get $nOps))))
                (br $stepOps)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $rest)))
        (local.set $a (i32.add (local.get $out) (i32.shl (local.get $b) (i32.const 3))))
        (v128.store offset=0 (local.get $a) (local.get $f0))
        (v128.store offset=16 (local.get $a) (local.get $c0))
        (v128.store offset=32 (local.get $a) (local.get $f1))
        (v128.store offset=48 (local.get $a) (local.get $c1))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (br $pass))))

  ;; ---- one input, many output columns (a softmax pixel) -----------------------------------
  ;; The clean and faulty chains of columns 0..count-1 of a K x N weight matrix at `w` (row-major:
  ;; w[k][n] at w + 4 (k N + n), readable 4 floats past its end) for one input pixel: `row` holds
  ;; the K input byte offsets, `g` / `x` the golden / faulty input. Four columns per vector (lane
  ;; n reads w[k][n]); each lane runs chainsV's chain term for term (f32(x * w) then
  ;; f32(product + psum), the same operand order), without ops. Output per block of four columns:
  ;; faulty x4 then clean x4 at out + 32 (n / 4), as chainsV's jobs.
  (func (export "colsV")
    (param $K i32) (param $row i32) (param $g i32) (param $x i32) (param $w i32) (param $N i32)
    (param $count i32) (param $zero f32) (param $out i32) (param $same i32)
    (local $b i32) (local $k i32) (local $o i32) (local $wk i32) (local $stride i32)
    (local $c v128) (local $f v128) (local $gv v128) (local $xv v128) (local $wv v128)
    (local.set $stride (i32.shl (local.get $N) (i32.const 2)))
    (block $done
      (loop $pass
        (br_if $done (i32.ge_s (local.get $b) (local.get $count)))
        (local.set $c (f32x4.splat (local.get $zero)))
        (local.set $f (f32x4.splat (local.get $zero)))
        (local.set $k (i32.const 0))
        (local.set $wk (i32.add (local.get $w) (i32.shl (local.get $b) (i32.const 2))))
        (block $kdone
          (loop $kl
            (br_if $kdone (i32.ge_s (local.get $k) (local.get $K)))
            (local.set $o (i32.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $wv (v128.load (local.get $wk)))
            (local.set $gv (f32x4.splat (f32.load (i32.add (local.get $g) (local.get $o)))))
            (local.set $c (f32x4.add (f32x4.mul (local.get $gv) (local.get $wv)) (local.get $c)))
            (if (local.get $same)
              (then (local.set $f (local.get $c)))
              (else
                (local.set $xv (f32x4.splat (f32.load (i32.add (local.get $x) (local.get $o)))))
                (local.set $f (f32x4.add (f32x4.mul (local.get $xv) (local.get $wv)) (local.get $f)))))
            (local.set $wk (i32.add (local.get $wk) (local.get $stride)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kl)))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $b) (i32.const 3))))
        (v128.store offset=0 (local.get $o) (local.get $f))
        (v128.store offset=16 (local.get $o) (local.get $c))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $pass)))))
