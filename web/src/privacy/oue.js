// Optimized unary encoding (Wang, Blocki, Li, Jha, USENIX Security 2017)
// for the one-hot score band: the true band's bit is reported as 1 with
// probability 1/2, every other bit with probability 1/(e^ε + 1). Two
// visitors in different bands differ in two bits, yet the whole vector
// costs ε, not 2ε as with randomized response per bit, and among unary
// encodings its estimator variance per report, 4e^ε/(e^ε - 1)² for a rare band,
// is the smallest. Here it is the permanent stage of the score band at ε∞
// (channels.js: permanentStage('score', ε∞) gives its a and b); the same
// function randomizes the other kinds' permanent stages with theirs.

/** Randomizes a 0/1 vector bit by bit: 1 kept with probability a, 0 turned to 1 with probability b. */
export function unaryRandomize(bits, { a, b }, random) {
  return bits.map((bit) => (random() < (bit ? a : b) ? 1 : 0));
}
