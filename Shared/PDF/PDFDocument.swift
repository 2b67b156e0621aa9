import CCairo

/// Why a PDF could not be made.
public struct PDFError: Error, CustomStringConvertible {
    public let description: String
}

/// A PDF drawn with cairo's PDF surface into memory: real text in an embedded subset of the
/// DejaVu fonts (fontconfig finds them; Debian's `fonts-dejavu-core`), selectable and
/// extractable, never an image. A thin wrapper: pages, fonts, text measured and placed
/// (left or right aligned), lines and shaded boxes. Coordinates are points from the top
/// left; a text's `y` is its baseline. Not thread-safe: one document per thread at a time.
public final class PDFDocument {
    /// US Letter, in points.
    public static let letter = (width: 612.0, height: 792.0)

    public let width: Double
    public let height: Double
    private let sink = Sink()
    private let surface: OpaquePointer
    private let context: OpaquePointer
    private var finished = false

    private final class Sink {
        var bytes: [UInt8] = []
    }

    public init(width: Double = PDFDocument.letter.width, height: Double = PDFDocument.letter.height, title: String) throws {
        self.width = width
        self.height = height
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        guard let surface = cairo_pdf_surface_create_for_stream({ closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            let sink = Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, closure, width, height) else {
            throw PDFError(description: "cairo could not create a PDF surface")
        }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let context = cairo_create(surface) else {
            let message = String(cString: cairo_status_to_string(cairo_surface_status(surface)))
            cairo_surface_destroy(surface)
            throw PDFError(description: "cairo could not start a PDF: \(message)")
        }
        self.surface = surface
        self.context = context
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "AR collections")
        font(size: 10)
        gray(0)
    }

    deinit {
        if !finished {
            cairo_destroy(context)
            cairo_surface_destroy(surface)
        }
    }

    /// The font for what follows: DejaVu Sans, regular or bold.
    public func font(size: Double, bold: Bool = false) {
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
    }

    /// The colour for what follows, as a gray level (0 black, 1 white).
    public func gray(_ level: Double) {
        cairo_set_source_rgb(context, level, level, level)
    }

    /// How wide `text` is in the current font.
    public func width(of text: String) -> Double {
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        return extents.x_advance
    }

    /// Writes `text` starting at `x`, on the baseline `y`.
    public func text(_ text: String, x: Double, y: Double) {
        guard !text.isEmpty else { return }
        cairo_move_to(context, x, y)
        cairo_show_text(context, text)
    }

    /// Writes `text` ending at `right`, on the baseline `y`.
    public func text(_ text: String, right: Double, y: Double) {
        self.text(text, x: right - width(of: text), y: y)
    }

    /// `text` broken into lines no wider than `width` in the current font (at spaces, and
    /// inside a word only when the word alone is wider).
    public func wrap(_ text: String, width limit: Double) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                let candidate = line.isEmpty ? String(word) : line + " " + word
                if width(of: candidate) <= limit {
                    line = candidate
                    continue
                }
                if !line.isEmpty { lines.append(line) }
                line = ""
                var piece = ""
                for character in word {
                    if width(of: piece + String(character)) > limit, !piece.isEmpty {
                        lines.append(piece)
                        piece = ""
                    }
                    piece.append(character)
                }
                line = piece
            }
            lines.append(line)
        }
        return lines
    }

    /// A straight line.
    public func line(from start: (x: Double, y: Double), to end: (x: Double, y: Double), width: Double = 0.5) {
        cairo_set_line_width(context, width)
        cairo_move_to(context, start.x, start.y)
        cairo_line_to(context, end.x, end.y)
        cairo_stroke(context)
    }

    /// A filled box in the gray level `level`; the colour is black again afterwards.
    public func box(x: Double, y: Double, width: Double, height: Double, level: Double) {
        gray(level)
        cairo_rectangle(context, x, y, width, height)
        cairo_fill(context)
        gray(0)
    }

    /// Ends the page and starts another.
    public func newPage() {
        cairo_show_page(context)
    }

    /// The finished PDF's bytes. The document cannot be drawn on afterwards.
    public func finish() throws -> [UInt8] {
        guard !finished else { return sink.bytes }
        finished = true
        let drawing = cairo_status(context)
        cairo_destroy(context)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard drawing == CAIRO_STATUS_SUCCESS else {
            throw PDFError(description: "cairo could not draw the PDF: \(String(cString: cairo_status_to_string(drawing)))")
        }
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PDFError(description: "cairo could not finish the PDF: \(String(cString: cairo_status_to_string(status)))")
        }
        return sink.bytes
    }
}
