import Foundation

/// A message as weighted features: TF-IDF with sublinear term frequency, L2-normalized.
struct SparseVector: Sendable {
    /// Indices of the model's known features, ascending by feature hash.
    var indices: [Int32] = []
    /// The weight of each of `indices`.
    var values: [Float] = []
    /// The share (0...1) of the message's word weight that the intents' own examples know.
    var evidence: Float = 0
}

/// A linear scorer over hashed features: one row of class weights per known feature (a flat
/// `[Float]`, feature-major, each row padded to `stride` so it is summed eight lanes at a time),
/// a bias per class, and the IDF of each feature.
struct LinearModel: Sendable {
    let classCount: Int
    /// The length of a weight row: `classCount` rounded up to a multiple of 8.
    var stride: Int { Self.stride(classCount) }

    static func stride(_ classCount: Int) -> Int { (classCount + 7) / 8 * 8 }
    let table: FeatureTable
    let weights: [Float]
    let bias: [Float]
    let idf: [Float]
    /// Whether a feature occurs in the intents' examples (not only in the off-topic ones).
    let inDomain: [Bool]
    /// The IDF given to features never seen in training.
    let unknownIDF: Float
    /// How much unknown features count in the norm (`unknown_weight`).
    let unknownWeight: Float
    /// Weight of each `FeatureGroup`, by raw value.
    let groupWeights: [Float]

    /// `1 + ln(tf)` for small term frequencies.
    private static let sublinear: [Float] = (0..<64).map { $0 == 0 ? 0 : 1 + Float(log(Double($0))) }

    @inline(__always) static func sublinearTF(_ tf: Int) -> Float {
        tf < sublinear.count ? sublinear[tf] : 1 + Float(log(Double(tf)))
    }

    /// Weights the features of one message. Sorts `hashes` in place.
    func vectorize(_ hashes: inout [UInt64]) -> SparseVector {
        var vector = SparseVector()
        guard !hashes.isEmpty else { return vector }
        HashSort.sort(&hashes)
        vector.indices.reserveCapacity(hashes.count)
        vector.values.reserveCapacity(hashes.count)
        var total: Float = 0
        var wordAll: Float = 0
        var wordKnown: Float = 0
        idf.withUnsafeBufferPointer { idf in
            inDomain.withUnsafeBufferPointer { inDomain in
                var start = 0
                while start < hashes.count {
                    let h = hashes[start]
                    var end = start + 1
                    while end < hashes.count && hashes[end] == h { end += 1 }
                    let group = FeatureGroup.of(h)
                    let index = table.index(of: h)
                    let weight = groupWeights[group] * Self.sublinearTF(end - start)
                        * (index >= 0 ? idf[Int(index)] : unknownIDF)
                    let square = weight * weight
                    total += index >= 0 ? square : square * unknownWeight
                    if group == FeatureGroup.stem.rawValue {
                        wordAll += square
                        if index >= 0 && inDomain[Int(index)] { wordKnown += square }
                    }
                    if index >= 0 && weight > 0 {
                        vector.indices.append(index)
                        vector.values.append(weight)
                    }
                    start = end
                }
            }
        }
        if total > 0 {
            let scale = 1 / total.squareRoot()
            for i in vector.values.indices { vector.values[i] *= scale }
        }
        vector.evidence = wordAll > 0 ? wordKnown / wordAll : 0
        return vector
    }

    /// The class scores (logits) of a vector.
    func scores(_ vector: SparseVector) -> [Float] {
        var logits = [Float](repeating: 0, count: stride)
        logits.withUnsafeMutableBufferPointer { out in
            weights.withUnsafeBufferPointer { w in
                vector.indices.withUnsafeBufferPointer { indices in
                    vector.values.withUnsafeBufferPointer { values in
                        Self.accumulate(w, stride: stride, indices, values, into: out)
                    }
                }
            }
        }
        logits.removeLast(stride - classCount)
        for j in 0..<classCount { logits[j] += bias[j] }
        return logits
    }

    /// Adds `Σ values[k] × row(indices[k])` to `out` (`stride` lanes), eight lanes at a time.
    @inline(__always)
    static func accumulate(_ w: UnsafeBufferPointer<Float>, stride: Int, _ indices: UnsafeBufferPointer<Int32>,
                           _ values: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        guard let base = w.baseAddress, let target = out.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        let lanes = stride / 8
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>(), acc2 = SIMD8<Float>(), acc3 = SIMD8<Float>()
        if lanes <= 4 {
            for k in 0..<indices.count {
                let value = SIMD8<Float>(repeating: values[k])
                let row = raw + Int(indices[k]) * stride * MemoryLayout<Float>.stride
                acc0 += value * row.loadUnaligned(as: SIMD8<Float>.self)
                if lanes > 1 { acc1 += value * row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) }
                if lanes > 2 { acc2 += value * row.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self) }
                if lanes > 3 { acc3 += value * row.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self) }
            }
            let raw = UnsafeMutableRawPointer(target)
            raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Float>.self) + acc0, as: SIMD8<Float>.self)
            if lanes > 1 {
                raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) + acc1, toByteOffset: 32, as: SIMD8<Float>.self)
            }
            if lanes > 2 {
                raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self) + acc2, toByteOffset: 64, as: SIMD8<Float>.self)
            }
            if lanes > 3 {
                raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self) + acc3, toByteOffset: 96, as: SIMD8<Float>.self)
            }
        } else {
            for k in 0..<indices.count {
                let value = values[k]
                let row = Int(indices[k]) * stride
                for j in 0..<stride { target[j] += value * w[row + j] }
            }
        }
    }

    /// The probability of each class for `vector`; `offTopicBoost` is added to the last class's
    /// score first.
    func probabilities(_ vector: SparseVector, temperature: Float, offTopicBoost: Float = 0) -> [Float] {
        var p = scores(vector)
        if offTopicBoost != 0, let last = p.indices.last { p[last] += offTopicBoost }
        Self.softmax(&p, temperature: temperature)
        return p
    }

    /// Softmax of `logits / temperature`, in place.
    static func softmax(_ logits: inout [Float], temperature: Float) {
        guard let top = logits.max() else { return }
        let t = temperature > 0 ? temperature : 1
        var sum: Float = 0
        for i in logits.indices {
            let e = Float(exp(Double((logits[i] - top) / t)))
            logits[i] = e
            sum += e
        }
        if sum > 0 { for i in logits.indices { logits[i] /= sum } }
    }
}

/// A small deterministic random generator (SplitMix64) for shuffling training examples.
package struct SplitMix64: RandomNumberGenerator {
    package var state: UInt64
    package init(state: UInt64) { self.state = state }
    package mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return StableHash.mix(state)
    }
}

/// Builds a `LinearModel` from labelled feature lists.
enum ModelTrainer {
    /// One training document: its feature hashes, class and whether it is in-domain.
    struct Document {
        var hashes: [UInt64]
        var label: Int
        var inDomain: Bool
    }

    /// Trains on `documents` with the method the settings name.
    static func train(_ documents: [Document], classCount: Int, settings: MatcherSettings.Model) -> LinearModel {
        let groupWeights = [settings.charWeight, settings.stemWeight, settings.bigramWeight, settings.keywordWeight]
            .map { Float(max(0, $0)) }
        var table = FeatureTable(expected: documents.reduce(0) { $0 + $1.hashes.count } / 2)
        var df: [Int32] = []
        var inDomain: [Bool] = []
        // Each document's distinct features: index, term frequency and group weight.
        var terms: [[(index: Int32, tf: Int32, group: Float)]] = []
        terms.reserveCapacity(documents.count)
        // Repeats within a document are counted without sorting it: `lastDocument` says which
        // document a feature was last seen in, `position` where in that document's row it is.
        var lastDocument: [Int32] = []
        var position: [Int32] = []
        for (d, document) in documents.enumerated() {
            var row: [(index: Int32, tf: Int32, group: Float)] = []
            row.reserveCapacity(document.hashes.count)
            for h in document.hashes {
                let index = table.insert(h)
                let i = Int(index)
                if i == df.count {
                    df.append(0)
                    inDomain.append(false)
                    lastDocument.append(-1)
                    position.append(0)
                }
                if lastDocument[i] == Int32(d) {
                    row[Int(position[i])].tf += 1
                    continue
                }
                lastDocument[i] = Int32(d)
                position[i] = Int32(row.count)
                df[i] += 1
                if document.inDomain { inDomain[i] = true }
                row.append((index, 1, groupWeights[FeatureGroup.of(h)]))
            }
            terms.append(row)
        }
        let n = Float(documents.count)
        let idf = df.map { Float(log(Double((1 + n) / (1 + Float($0))))) + 1 }
        let featureCount = table.count

        // The same weighting as `LinearModel.vectorize`; every feature is known here.
        var vectors: [SparseVector] = []
        vectors.reserveCapacity(documents.count)
        for row in terms {
            var vector = SparseVector()
            vector.indices = row.map(\.index)
            vector.values = row.map { $0.group * LinearModel.sublinearTF(Int($0.tf)) * idf[Int($0.index)] }
            let total = vector.values.reduce(0) { $0 + $1 * $1 }
            if total > 0 {
                let scale = 1 / total.squareRoot()
                for i in vector.values.indices { vector.values[i] *= scale }
            }
            vector.evidence = 1
            vectors.append(vector)
        }
        let labels = documents.map(\.label)
        var weights = [Float](repeating: 0, count: featureCount * LinearModel.stride(classCount))
        var bias = [Float](repeating: 0, count: classCount)
        trainLogistic(vectors, labels, classCount: classCount, settings: settings, weights: &weights, bias: &bias)
        return LinearModel(classCount: classCount, table: table.compacted(), weights: weights, bias: bias, idf: idf,
                           inDomain: inDomain, unknownIDF: Float(log(Double(1 + n))) + 1,
                           unknownWeight: Float(max(0, settings.unknownWeight)), groupWeights: groupWeights)
    }

    /// Per-class weights that move the loss towards balanced classes by `balance` (0...1).
    static func classWeights(_ labels: [Int], classCount: Int, balance: Double) -> [Float] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        let mean = Double(labels.count) / Double(max(1, classCount))
        return counts.map { $0 == 0 ? 1 : Float(pow(mean / Double($0), balance)) }
    }

    /// Multinomial logistic regression by stochastic gradient descent on the (class-weighted)
    /// cross-entropy, with a decaying step and L2 weight decay on the features a document touches.
    private static func trainLogistic(_ vectors: [SparseVector], _ labels: [Int], classCount c: Int,
                                      settings: MatcherSettings.Model, weights: inout [Float], bias: inout [Float]) {
        var rng = SplitMix64(state: settings.seed)
        var order = Array(vectors.indices)
        var scores = [Float](repeating: 0, count: c)
        let l2 = Float(settings.l2)
        let epochs = max(1, settings.epochs)
        var active: [Int] = []
        active.reserveCapacity(c)
        let minGradient: Float = 1e-3
        let classWeight = classWeights(labels, classCount: c, balance: settings.classBalance)
        let stride = LinearModel.stride(c)
        var lanes = [Float](repeating: 0, count: stride)
        // The model returned is the average of the weights after each pass, which makes it depend
        // far less on the order of the last examples seen (two intents with the same examples tie).
        var sum = [Float](repeating: 0, count: weights.count)
        var sumBias = [Float](repeating: 0, count: c)
        weights.withUnsafeMutableBufferPointer { w in
            for epoch in 0..<epochs {
                order.shuffle(using: &rng)
                let rate = Float(settings.learningRate / (1 + Double(epoch) * 0.5))
                for d in order {
                    let vector = vectors[d]
                    let label = labels[d]
                    for j in 0..<stride { lanes[j] = 0 }
                    lanes.withUnsafeMutableBufferPointer { out in
                        vector.indices.withUnsafeBufferPointer { indices in
                            vector.values.withUnsafeBufferPointer { values in
                                LinearModel.accumulate(UnsafeBufferPointer(w), stride: stride, indices, values, into: out)
                            }
                        }
                    }
                    for j in 0..<c { scores[j] = lanes[j] + bias[j] }
                    softmaxGradient(&scores, count: c, label: label, weight: classWeight[label])
                    // Only classes with a noticeable gradient are updated: after the first
                    // passes that is a handful, which keeps the build fast.
                    active.removeAll(keepingCapacity: true)
                    for j in 0..<c where abs(scores[j]) > minGradient {
                        active.append(j)
                        bias[j] -= rate * scores[j] * 0.1
                    }
                    let decay = 1 - rate * l2
                    vector.indices.withUnsafeBufferPointer { indices in
                        vector.values.withUnsafeBufferPointer { values in
                            for k in 0..<indices.count {
                                let step = rate * values[k]
                                let row = Int(indices[k]) * stride
                                for j in active { w[row + j] = w[row + j] * decay - step * scores[j] }
                            }
                        }
                    }
                }
                sum.withUnsafeMutableBufferPointer { total in
                    for i in 0..<w.count { total[i] += w[i] }
                }
                for j in 0..<c { sumBias[j] += bias[j] }
            }
        }
        let scale = 1 / Float(epochs)
        weights = sum.map { $0 * scale }
        bias = sumBias.map { $0 * scale }
    }

    /// Replaces the first `count` scores by the (weighted) cross-entropy gradient of their softmax.
    @inline(__always)
    private static func softmaxGradient(_ scores: inout [Float], count: Int, label: Int, weight: Float) {
        var top = -Float.infinity
        for j in 0..<count { top = max(top, scores[j]) }
        var sum: Float = 0
        for j in 0..<count {
            let e = Float(exp(Double(scores[j] - top)))
            scores[j] = e
            sum += e
        }
        for j in 0..<count { scores[j] = (scores[j] / sum - (j == label ? 1 : 0)) * weight }
    }
}
