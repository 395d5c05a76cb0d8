package io.agentwire.bench.comparison;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

class ComparisonSvgTest {

  private static final String SVG = "http://www.w3.org/2000/svg";

  /** Parses strictly: namespace-aware, no DTDs, every warning and error fatal. */
  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    DocumentBuilder b = f.newDocumentBuilder();
    b.setErrorHandler(
        new DefaultHandler() {
          @Override
          public void warning(SAXParseException e) throws SAXParseException {
            throw e;
          }

          @Override
          public void error(SAXParseException e) throws SAXParseException {
            throw e;
          }
        });
    return b.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<String> texts(Document d) {
    List<String> texts = new ArrayList<>();
    NodeList nodes = d.getElementsByTagNameNS(SVG, "text");
    for (int i = 0; i < nodes.getLength(); i++) {
      texts.add(nodes.item(i).getTextContent());
    }
    return texts;
  }

  @Test
  void isWellFormedSvgWithTitleCaptionAxesAndLegend() throws Exception {
    Comparison c = ComparisonFixture.comparison();
    Document d = parse(ComparisonSvg.write(c));
    Element root = d.getDocumentElement();
    assertEquals("svg", root.getLocalName());
    assertEquals(SVG, root.getNamespaceURI());
    assertTrue(Integer.parseInt(root.getAttribute("height")) > 0);
    assertEquals(
        "AgentWire vs \"TLS\" & <others>",
        d.getElementsByTagNameNS(SVG, "title").item(0).getTextContent());
    List<String> texts = texts(d);
    assertTrue(texts.contains("AgentWire vs \"TLS\" & <others>"), texts.toString());
    assertTrue(
        texts.stream()
            .anyMatch(
                t ->
                    t.contains("2026-01-02")
                        && t.contains("JDK 17.0.15+6")
                        && t.contains("AMD EPYC \"Milan\" <virtual> & co")),
        "caption with date, JDK and CPU: " + texts);
    assertTrue(texts.stream().anyMatch(t -> t.startsWith("speed relative to TLS 1.3")), "x axis");
    assertTrue(texts.contains("benchmark"), "y axis");
    assertTrue(texts.contains("TLS 1.3 = 1"), "legend: baseline");
    for (String name : List.of("AgentWire pure Java", "AgentWire native", "noise-java")) {
      assertTrue(texts.contains(name), "legend: " + name);
    }
  }

  @Test
  void drawsOneBarPerMeasuredRatioAndSaysWhereThereIsNone() throws Exception {
    Document d = parse(ComparisonSvg.write(ComparisonFixture.comparison()));
    // bars carry a <title>; the legend's swatches and the background do not
    List<String> bars = new ArrayList<>();
    NodeList rects = d.getElementsByTagNameNS(SVG, "rect");
    for (int i = 0; i < rects.getLength(); i++) {
      NodeList title = ((Element) rects.item(i)).getElementsByTagNameNS(SVG, "title");
      if (title.getLength() == 1) {
        bars.add(title.item(0).getTextContent());
      }
    }
    // connection: 2, handshakes: 3, throughput: 2
    assertEquals(7, bars.size(), bars.toString());
    assertTrue(bars.contains("AgentWire native: 0.500 ms ±10%, 10.00x"), bars.toString());
    assertTrue(bars.contains("noise-java: 400 /s ±1%, 2.00x"), bars.toString());
    List<String> texts = texts(d);
    assertEquals(2, texts.stream().filter(t -> t.equals("noise-java: n/a")).count());
    assertTrue(texts.contains("0.50x  (350 MB/s)"), texts.toString());
    assertTrue(texts.contains("16.00x  (3200 /s)"), texts.toString());
    assertTrue(texts.contains("TLS 1.3: 5.00 ms"), "each group names the baseline's own score");
  }

  @Test
  void logAxisCoversEveryRatioAndOne() {
    double[] range = ComparisonSvg.range(ComparisonFixture.comparison());
    assertEquals(0.5, range[0], 1e-12); // the smallest ratio, 0.5x
    assertEquals(20.0, range[1], 1e-12); // 16x, rounded up to a 1-2-5 step
    assertEquals(List.of(0.5, 1.0, 2.0, 5.0, 10.0, 20.0), ComparisonSvg.ticks(0.5, 20));
    assertEquals(List.of(1.0, 2.0, 5.0, 10.0, 20.0), ComparisonSvg.ticks(0.7, 30));
    assertEquals(List.of(0.1, 1.0, 10.0, 100.0, 1000.0), ComparisonSvg.ticks(0.1, 1000));
  }

  @Test
  void escapesMarkupAndDropsCharactersXmlCannotHold() throws Exception {
    assertEquals(
        "a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;",
        ComparisonSvg.xml("a & b <c> \"d\" 'e'"));
    assertEquals("ab", ComparisonSvg.xml("a\u0000\u001fb"));
  }

  @Test
  void wrapsLongLabels() {
    assertEquals(
        List.of("Connection setup (connect, handshake,", "1-byte echo; loopback)"),
        ComparisonSvg.wrap("Connection setup (connect, handshake, 1-byte echo; loopback)", 38));
  }
}
