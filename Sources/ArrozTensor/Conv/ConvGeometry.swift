// ConvGeometry: the shape descriptor every convolution backend receives (sizes, stride, padding, groups).

/// Everything a backend needs to know about one 2-D convolution besides the raw buffers.
///
/// Layouts (PyTorch): input `[N, Cin, H, W]`, weight `[Cout, Cin/groups, kh, kw]`, output `[N, Cout, Ho,
/// Wo]`,
/// all contiguous. Padding may differ per side (`padTop`/`padBottom`, `padLeft`/`padRight`); padded cells
/// read as zero. Output size follows `torch.nn.functional.conv2d`: `Ho = (H + pt + pb - kh) / sh + 1`.
public struct ConvGeometry: Equatable, Sendable, CustomStringConvertible {
    public var batch: Int
    public var inChannels: Int
    public var inHeight: Int
    public var inWidth: Int
    public var outChannels: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideH: Int
    public var strideW: Int
    public var padTop: Int
    public var padBottom: Int
    public var padLeft: Int
    public var padRight: Int
    public var groups: Int

    public init(
        batch: Int, inChannels: Int, inHeight: Int, inWidth: Int, outChannels: Int,
        kernelHeight: Int, kernelWidth: Int, strideH: Int = 1, strideW: Int = 1,
        padTop: Int = 0, padBottom: Int = 0, padLeft: Int = 0, padRight: Int = 0, groups: Int = 1
    ) {
        self.batch = batch
        self.inChannels = inChannels
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.outChannels = outChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideH = strideH
        self.strideW = strideW
        self.padTop = padTop
        self.padBottom = padBottom
        self.padLeft = padLeft
        self.padRight = padRight
        self.groups = groups
        precondition(
            batch >= 0 && inChannels > 0 && outChannels > 0 && kernelHeight > 0 && kernelWidth > 0,
            "conv2d: bad sizes in \(self)")
        precondition(
            strideH > 0 && strideW > 0, "conv2d: stride must be positive, got (\(strideH), \(strideW))")
        precondition(
            min(padTop, padBottom, padLeft, padRight) >= 0,
            "conv2d: negative padding (\(padTop), \(padBottom), \(padLeft), \(padRight))")
        precondition(
            groups > 0 && inChannels % groups == 0 && outChannels % groups == 0,
            "conv2d: groups \(groups) must divide in channels \(inChannels) and out channels \(outChannels)")
        precondition(
            outHeight > 0 && outWidth > 0,
            "conv2d: input \(inHeight)x\(inWidth) padded (\(padTop), \(padBottom), \(padLeft), \(padRight))"
                + " is "
                + "smaller than kernel \(kernelHeight)x\(kernelWidth)")
    }

    public var outHeight: Int { (inHeight + padTop + padBottom - kernelHeight) / strideH + 1 }
    public var outWidth: Int { (inWidth + padLeft + padRight - kernelWidth) / strideW + 1 }

    /// Input channels seen by one output channel (`Cin / groups`).
    public var inPerGroup: Int { inChannels / groups }
    /// Output channels per group (`Cout / groups`).
    public var outPerGroup: Int { outChannels / groups }
    /// Taps per input channel (`kh · kw`).
    public var kernelArea: Int { kernelHeight * kernelWidth }
    /// The reduction length of one output value: `Cin/groups · kh · kw` (a row of the im2col matrix).
    public var patchSize: Int { inPerGroup * kernelArea }
    public var inPlane: Int { inHeight * inWidth }
    public var outPlane: Int { outHeight * outWidth }

    public var inputShape: [Int] { [batch, inChannels, inHeight, inWidth] }
    public var weightShape: [Int] { [outChannels, inPerGroup, kernelHeight, kernelWidth] }
    public var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }
    public var inputCount: Int { batch * inChannels * inPlane }
    public var weightCount: Int { outChannels * patchSize }
    public var outputCount: Int { batch * outChannels * outPlane }

    /// Multiply-adds × 2 of one forward pass (what GFLOP/s figures count).
    public var flops: Double {
        2 * Double(batch) * Double(outChannels) * Double(outPlane) * Double(patchSize)
    }

    /// A 1×1, stride-1, unpadded convolution: a plain matrix product per image.
    public var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideH == 1 && strideW == 1
            && padTop == 0 && padBottom == 0 && padLeft == 0 && padRight == 0
    }

    public var description: String {
        "ConvGeometry(x [\(batch), \(inChannels), \(inHeight), \(inWidth)] * w \(weightShape) stride "
            + "(\(strideH), \(strideW)) pad (t \(padTop), b \(padBottom), l \(padLeft), r \(padRight))"
            + " groups \(groups))"
    }
}
