package dev.sluice.analyze.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class ImportGraphTest {

    private static ImportGraph graph(Map<String, String> files) {
        Map<String, ImportScan> scans = new TreeMap<>();
        files.forEach((path, content) -> {
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            if (path.endsWith("go.mod")) {
                scans.put(path, new ImportScan(content.replaceAll("(?s).*module\\s+(\\S+).*", "$1"), List.of(), java.util.Set.of()));
            } else {
                scans.put(path, ImportScan.of(ImportScan.graphLanguage(path), bytes));
            }
        });
        return new ImportGraph(scans);
    }

    @Test
    void javaImportsWildcardsStaticImportsAndSamePackageUsesBecomeEdges() {
        ImportGraph g = graph(Map.of(
                "src/shop/core/Money.java", "package shop.core;\npublic record Money(long cents) {}\n",
                "src/shop/core/Currency.java", "package shop.core;\nclass Currency { Money zero; }\n",
                "src/shop/orders/Order.java", "package shop.orders;\nimport shop.core.Money;\nimport java.util.List;\nclass Order {}\n",
                "src/shop/api/Api.java", "package shop.api;\nimport shop.orders.*;\nimport static shop.core.Currency.EUR;\nclass Api {}\n",
                "src/shop/util/Leaf.java", "package shop.util;\nclass Leaf {}\n"));
        assertThat(g.importsOf("src/shop/orders/Order.java")).containsExactly("src/shop/core/Money.java");
        assertThat(g.importsOf("src/shop/api/Api.java")).containsExactlyInAnyOrder("src/shop/orders/Order.java",
                "src/shop/core/Currency.java");
        assertThat(g.importsOf("src/shop/core/Currency.java")).containsExactly("src/shop/core/Money.java");
        assertThat(g.dependentsOf(List.of("src/shop/core/Money.java"))).containsExactly("src/shop/api/Api.java",
                "src/shop/core/Currency.java", "src/shop/orders/Order.java");
        assertThat(g.dependentsOf(List.of("src/shop/util/Leaf.java"))).isEmpty();
    }

    @Test
    void kotlinImportsResolveByPackageAndFileName() {
        ImportGraph g = graph(Map.of(
                "app/src/main/kotlin/shop/Cart.kt", "package shop\n\nimport shop.model.Item\n\nclass Cart(val items: List<Item>)\n",
                "app/src/main/kotlin/shop/model/Item.kt", "package shop.model\n\ndata class Item(val sku: String)\n"));
        assertThat(g.importsOf("app/src/main/kotlin/shop/Cart.kt")).containsExactly("app/src/main/kotlin/shop/model/Item.kt");
    }

    @Test
    void pythonAbsoluteRelativeAndSrcLayoutImportsResolve() {
        ImportGraph g = graph(Map.of(
                "src/shop/__init__.py", "",
                "src/shop/models.py", "class Order: pass\n",
                "src/shop/service.py", "from .models import Order\nimport os\n",
                "src/shop/api/__init__.py", "",
                "src/shop/api/views.py", "from shop.service import handle\nfrom .. import models\n",
                "tests/test_service.py", "import shop.service\n"));
        assertThat(g.importsOf("src/shop/service.py")).containsExactly("src/shop/models.py");
        assertThat(g.importsOf("src/shop/api/views.py")).contains("src/shop/service.py", "src/shop/models.py");
        assertThat(g.importsOf("tests/test_service.py")).contains("src/shop/service.py");
        assertThat(g.dependentsOf(List.of("src/shop/models.py"))).contains("src/shop/service.py",
                "src/shop/api/views.py", "tests/test_service.py");
    }

    @Test
    void javascriptAndTypescriptRelativeImportsResolveWithExtensionsAndIndexFiles() {
        ImportGraph g = graph(Map.of(
                "web/src/app.ts", "import { api } from './api';\nimport React from 'react';\nexport * from \"./ui/index.js\";\n",
                "web/src/api/index.ts", "const x = require('../util.js');\n",
                "web/src/ui/index.ts", "import './button';\n",
                "web/src/ui/button.tsx", "export const Button = () => null;\n",
                "web/src/util.js", "module.exports = {};\n"));
        assertThat(g.importsOf("web/src/app.ts")).containsExactlyInAnyOrder("web/src/api/index.ts", "web/src/ui/index.ts");
        assertThat(g.importsOf("web/src/api/index.ts")).containsExactly("web/src/util.js");
        assertThat(g.importsOf("web/src/ui/index.ts")).containsExactly("web/src/ui/button.tsx");
        assertThat(g.dependentsOf(List.of("web/src/util.js"))).containsExactly("web/src/api/index.ts", "web/src/app.ts");
    }

    @Test
    void multiLineImportAndReExportClausesOfJavascriptAndTypescriptBecomeEdges() {
        ImportGraph g = graph(Map.of(
                "web/src/app.ts", "import {\n  api,\n  type Options, // the options\n} from './api';\n"
                        + "import React, {\n  useState,\n} from 'react';\n"
                        + "export {\n  Button\n}\n  from \"./ui/button\";\n"
                        + "import type {\n  Money } from '../lib/money'\n",
                "web/src/api.ts", "export default {\n  from: './not-an-import',\n};\nexport const api = 1;\n",
                "web/src/ui/button.tsx", "export class Button {\n  label = 'ok'\n}\n",
                "web/src/not-an-import.ts", "export const x = 1;\n",
                "web/lib/money.ts", "export type Money = number;\n"));
        assertThat(g.importsOf("web/src/app.ts")).containsExactlyInAnyOrder("web/src/api.ts", "web/src/ui/button.tsx",
                "web/lib/money.ts");
        assertThat(g.importsOf("web/src/api.ts")).as("an object literal's 'from' key is no import").isEmpty();
        assertThat(g.dependentsOf(List.of("web/lib/money.ts"))).containsExactly("web/src/app.ts");
    }

    @Test
    void jsxMjsCjsAndMtsFilesAreNodesOfTheGraph() {
        ImportGraph g = graph(Map.of(
                "web/App.jsx", "import { Checkout } from './Checkout';\nimport config from './config.mjs';\n",
                "web/Checkout.jsx", "const total = require('./total.cjs');\nexport const Checkout = () => <p>{total}</p>;\n",
                "web/config.mjs", "export default {};\n",
                "web/total.cjs", "module.exports = 1;\n",
                "web/lib/index.ts", "import { clock } from './clock.mjs';\n",
                "web/lib/clock.mts", "export const clock = 1;\n"));
        assertThat(g.fileCount()).isEqualTo(6);
        assertThat(g.importsOf("web/App.jsx")).containsExactlyInAnyOrder("web/Checkout.jsx", "web/config.mjs");
        assertThat(g.importsOf("web/lib/index.ts")).containsExactly("web/lib/clock.mts");
        assertThat(g.dependentsOf(List.of("web/total.cjs"))).containsExactly("web/App.jsx", "web/Checkout.jsx");
    }

    @Test
    void filesThatStillImportAGoneFileAreItsImportersWhateverTheLanguage() {
        Map<String, String> before = Map.of(
                "src/shop/core/Money.java", "package shop.core;\npublic record Money(long cents) {}\n",
                "web/util.ts", "export const u = 1;\n",
                "app/models.py", "class Order: pass\n");
        ImportGraph g = graph(Map.of(
                "src/shop/orders/Order.java", "package shop.orders;\nimport shop.core.Money;\nclass Order {}\n",
                "src/shop/core/Currency.java", "package shop.core;\nclass Currency { Money zero; }\n",
                "src/shop/util/Leaf.java", "package shop.util;\nclass Leaf {}\n",
                "web/app.ts", "import {\n  u\n} from './util';\n",
                "app/__init__.py", "",
                "app/views.py", "from .models import Order\n",
                "app/other.py", "import os\n"));
        Map<String, ImportScan> gone = new TreeMap<>();
        before.forEach((path, content) -> gone.put(path, ImportScan.of(ImportScan.graphLanguage(path),
                content.getBytes(StandardCharsets.UTF_8))));
        assertThat(g.importersOfGone(gone)).containsOnly(
                Map.entry("src/shop/core/Money.java", java.util.Set.of("src/shop/orders/Order.java", "src/shop/core/Currency.java")),
                Map.entry("web/util.ts", java.util.Set.of("web/app.ts")),
                Map.entry("app/models.py", java.util.Set.of("app/views.py")));
        assertThat(g.contains("web/util.ts")).as("a gone file is no node").isFalse();
    }

    @Test
    void goImportsOfTheModuleReachEveryFileOfThePackage() {
        ImportGraph g = graph(Map.of(
                "go.mod", "module example.com/shop\n\ngo 1.22\n",
                "cmd/server/main.go", "package main\n\nimport (\n\t\"fmt\"\n\tstore \"example.com/shop/internal/store\"\n)\n",
                "internal/store/db.go", "package store\n",
                "internal/store/cache.go", "package store\nimport \"example.com/shop/internal/metrics\"\n",
                "internal/metrics/metrics.go", "package metrics\n"));
        assertThat(g.importsOf("cmd/server/main.go")).containsExactlyInAnyOrder("internal/store/db.go", "internal/store/cache.go");
        assertThat(g.dependentsOf(List.of("internal/metrics/metrics.go"))).containsExactly("cmd/server/main.go",
                "internal/store/cache.go");
    }

    @Test
    void importCyclesAreFoundAsStronglyConnectedComponents() {
        ImportGraph g = graph(Map.of(
                "a.py", "import b\n", "b.py", "import c\n", "c.py", "import a\n",
                "d.py", "import e\n", "e.py", "import d\n", "f.py", "import a\n"));
        assertThat(g.cycles()).containsExactly(List.of("a.py", "b.py", "c.py"), List.of("d.py", "e.py"));
        assertThat(g.dependentsOf(List.of("a.py"))).containsExactly("b.py", "c.py", "f.py");
    }

    @Test
    void aLongImportChainDoesNotOverflowTheStack() {
        Map<String, String> files = new TreeMap<>();
        for (int i = 0; i < 20_000; i++) {
            files.put(String.format("m%05d.py", i), String.format("import m%05d%n", (i + 1) % 20_000));
        }
        ImportGraph g = graph(files);
        assertThat(g.cycles()).singleElement().satisfies(c -> assertThat(c).hasSize(20_000));
        assertThat(g.dependentsOf(List.of("m00000.py"))).hasSize(19_999);
    }
}
