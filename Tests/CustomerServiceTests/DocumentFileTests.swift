import Contracts
@testable import CustomerService
import TestSupport
import XCTest

/// What a file is, by its bytes, and the name it is kept under.
final class DocumentFileTests: XCTestCase {
    private func type(_ bytes: [UInt8], _ name: String) -> DocumentType? { try? DocumentFile.type(of: bytes, named: name) }

    private func refusal(_ bytes: [UInt8], _ name: String) -> ErrorCode? {
        do {
            _ = try DocumentFile.type(of: bytes, named: name)
            return nil
        } catch {
            return error.code
        }
    }

    func testEachKeptTypeIsKnownByItsBytes() {
        XCTAssertEqual(type(TestFiles.pdf, "contract.pdf"), .pdf)
        XCTAssertEqual(type(TestFiles.png, "logo.PNG"), .png)
        XCTAssertEqual(type(TestFiles.jpeg, "scan.jpg"), .jpeg)
        XCTAssertEqual(type(TestFiles.jpeg, "scan.jpeg"), .jpeg)
        XCTAssertEqual(type(TestFiles.docx, "letter.docx"), .docx)
        XCTAssertEqual(type(TestFiles.xlsx, "aging.xlsx"), .xlsx)
        XCTAssertEqual(type(Array("invoice,amount\r\nINV-1,12.00\r\n".utf8), "export.csv"), .csv)
        XCTAssertEqual(type(Array("\u{FEFF}Notes — Grüße\n\tindented\n".utf8), "notes.txt"), .txt)
        XCTAssertEqual(type(Array("no name given".utf8), "notes"), .txt)
        XCTAssertEqual(type(TestFiles.pdf, "contract"), .pdf, "no ending: the bytes say")
    }

    func testANameWithoutAnEndingGetsItsTypesOne() {
        XCTAssertEqual(DocumentFile.named("document", as: .pdf), "document.pdf")
        XCTAssertEqual(DocumentFile.named("scan", as: .jpeg), "scan.jpg")
        XCTAssertEqual(DocumentFile.named("terms.pdf", as: .pdf), "terms.pdf")
        XCTAssertEqual(DocumentFile.named("notes.TXT", as: .txt), "notes.TXT")
    }

    func testAnythingElseOrAMisnamedFileIsRefusedAsUnsupported() {
        XCTAssertEqual(refusal(TestFiles.executable, "invoice.pdf"), .unsupportedMediaType, "an executable renamed .pdf")
        XCTAssertEqual(refusal(TestFiles.executable, "setup"), .unsupportedMediaType)
        XCTAssertEqual(refusal(Array("#!/bin/sh\nrm -rf /\n".utf8), "invoice.pdf"), .unsupportedMediaType, "text named as a PDF")
        XCTAssertEqual(refusal(Array("echo hi\n".utf8), "run.sh"), .unsupportedMediaType, "an ending that is not kept")
        XCTAssertEqual(refusal(Array("echo hi\n".utf8), DocumentFile.safeName("run.bat.")), .unsupportedMediaType,
                       "a trailing dot does not hide the ending")
        XCTAssertEqual(refusal(TestFiles.plainZip, "archive.zip"), .unsupportedMediaType)
        XCTAssertEqual(refusal(TestFiles.plainZip, "letter.docx"), .unsupportedMediaType, "a ZIP that is not a document")
        XCTAssertEqual(refusal(TestFiles.docx, "aging.xlsx"), .unsupportedMediaType, "a Word file named as Excel")
        XCTAssertEqual(refusal(TestFiles.png, "photo.jpg"), .unsupportedMediaType)
        XCTAssertEqual(refusal([0x00, 0x01, 0x02], "data.txt"), .unsupportedMediaType, "binary is not text")
        XCTAssertEqual(refusal([0xC3, 0x28], "bad.txt"), .unsupportedMediaType, "not UTF-8")
    }

    func testTheNameIsKeptWithoutFoldersQuotesOrControlCharacters() {
        XCTAssertEqual(DocumentFile.safeName("../../etc/passwd"), "passwd")
        XCTAssertEqual(DocumentFile.safeName(#"C:\Users\ap\Statement "final".pdf"#), "Statement final.pdf")
        XCTAssertEqual(DocumentFile.safeName("evil\r\nSet-Cookie: x.pdf"), "evilSet-Cookie: x.pdf")
        XCTAssertEqual(DocumentFile.safeName("  Grüße.pdf "), "Grüße.pdf")
        XCTAssertEqual(DocumentFile.safeName("right\u{202E}fdp.exe"), "rightfdp.exe", "no bidirectional override")
        XCTAssertEqual(DocumentFile.safeName("pay.bat. . "), "pay.bat", "Windows would drop the dots and run it")
        XCTAssertEqual(DocumentFile.safeName("/"), "document")
        XCTAssertEqual(DocumentFile.safeName(".."), "document")
        let long = DocumentFile.safeName(String(repeating: "a", count: 300) + ".pdf")
        XCTAssertEqual(long.count, DocumentFile.maximumNameLength)
        XCTAssertTrue(long.hasSuffix("a.pdf"), "a shortened name keeps its ending")
    }
}
