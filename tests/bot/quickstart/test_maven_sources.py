"""The folders a Maven project of one module names for its code instead of ``src/main``."""

from __future__ import annotations

from pathlib import Path

from bot.quickstart.maven_sources import maven_source_folders
from tests.bot.quickstart.plans import drafted as _plan

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <artifactId>fabric8-pipeline-library</artifactId>
  <packaging>pom</packaging>
  <build>
    <sourceDirectory>src</sourceDirectory>
    <plugins>
      <plugin>
        <artifactId>gmavenplus-plugin</artifactId>
        <configuration>
          <sources>
            <source><directory>${project.basedir}/src</directory></source>
            <source><directory>${project.basedir}/vars</directory></source>
          </sources>
        </configuration>
      </plugin>
      <plugin>
        <artifactId>build-helper-maven-plugin</artifactId>
        <executions><execution><configuration>
          <sources><source>src/it/groovy</source><source>missing</source></sources>
        </configuration></execution></executions>
      </plugin>
    </plugins>
  </build>
</project>
"""


def test_a_jenkins_shared_library_built_by_maven_is_one_service(tmp_path: Path) -> None:
    """fabric8-pipeline-library's pom names ``src`` as its source directory and GMavenPlus's
    sources ``src`` and ``vars``: one service of both, named by its artifactId; a folder
    named for tests or not tracked is none of it."""
    plan, owner = _plan(
        tmp_path / "clone",
        {
            "pom.xml": _POM,
            "src/io/fabric8/Utils.groovy": "class Utils {}\n",
            "src/it/groovy/UtilsIT.groovy": "class UtilsIT {}\n",
            "vars/approve.groovy": "def call() {}\n",
            "vars/apply.groovy": "def call() {}\n",
        },
    )
    assert dict(plan.services) == {"fabric8-pipeline-library": "src/**"}
    assert owner["vars/approve.groovy"] == "fabric8-pipeline-library"
    assert owner["src/io/fabric8/Utils.groovy"] == "fabric8-pipeline-library"
    files = ["pom.xml", "src/io/fabric8/Utils.groovy", "src/it/groovy/A.groovy", "vars/a.groovy"]
    (tmp_path / "clone" / "pom.xml").write_text(_POM)
    assert maven_source_folders(tmp_path / "clone", files) == ["src", "vars"]


def test_a_pom_that_does_not_parse_names_no_folder(tmp_path: Path) -> None:
    """A ``pom.xml`` that is no XML names no source folder: the clone's top folders holding
    code are its services, as without a build."""
    broken = "<project><build><sourceDirectory>src"
    files: dict[str, str | bytes | None] = {
        "pom.xml": broken,
        "src/A.groovy": "class A {}\n",
        "vars/b.groovy": "def call() {}\n",
    }
    plan, _owner = _plan(tmp_path / "clone", files)
    assert maven_source_folders(tmp_path / "clone", list(files)) == []
    assert dict(plan.services) == {"clone": "src/**", "vars": "vars/**"}


def test_a_pom_naming_a_folder_of_source_sets_names_none(tmp_path: Path) -> None:
    """hadoop-hdfs's pom for Sonar names ``src``, which holds Ant's ``src/java`` and
    ``src/test``: a folder of source sets, no root of packages, so the folders are read as
    without a build."""
    pom = "<project><build><sourceDirectory>src</sourceDirectory></build></project>\n"
    files: dict[str, str | bytes | None] = {
        "pom.xml": pom,
        "build.xml": "<project/>\n",
        "src/java/org/apache/hadoop/hdfs/DFSClient.java": "class DFSClient {}\n",
        "src/test/org/apache/hadoop/hdfs/TestDFSClient.java": "class TestDFSClient {}\n",
        "src/contrib/fuse-dfs/src/fuse_dfs.c": "int main(void) { return 0; }\n",
    }
    plan, _owner = _plan(tmp_path / "clone", files)
    assert maven_source_folders(tmp_path / "clone", list(files)) == []
    assert dict(plan.services) == {"contrib": "src/contrib/**", "java": "src/java/**"}
