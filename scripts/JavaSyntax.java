// Parses Java sources without compiling them (their dependencies, jsii's runtime and aws-cdk-lib from
// Maven Central, are out of reach here): `java scripts/JavaSyntax.java FILE...` prints each syntax
// error and exits 1 if there was one. Used by scripts/pacmak.js on jsii-pacmak's Java output.
import com.sun.source.util.JavacTask;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

public class JavaSyntax {
  public static void main(String[] args) throws Exception {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null);
    List<File> sources = new ArrayList<>();
    for (String arg : args) sources.add(new File(arg));
    JavacTask task = (JavacTask) compiler.getTask(null, files, diagnostics, List.of("-proc:none"), null, files.getJavaFileObjectsFromFiles(sources));
    task.parse();
    int errors = 0;
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) continue;
      errors++;
      System.err.println(d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null));
    }
    System.out.println("JavaSyntax: " + sources.size() + " files, " + errors + " syntax errors");
    System.exit(errors == 0 ? 0 : 1);
  }
}
