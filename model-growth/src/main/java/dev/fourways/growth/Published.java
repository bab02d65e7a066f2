package dev.fourways.growth;

import java.util.List;

/**
 * A start-up figure users published, quoted beside the measured curve: their model size, the
 * time they reported, and where. Other machines, versions and settings: an order of magnitude to
 * compare with, not a measurement of this project.
 *
 * @param library   the library reported on
 * @param modelSize entities or mapper files, as reported
 * @param reported  the reported figure, in the reporter's words (shortened)
 * @param url       the source
 */
public record Published(String library, String modelSize, String reported, String url) {

    /** The reports the issue cites, with the sources found for them. */
    static List<Published> all() {
        return List.of(
                new Published("Hibernate", "500 entities",
                        "\"an environment of 500 entities, and the creation takes 20s. The classpath scan takes half of the time\"",
                        "https://lists.jboss.org/archives/list/hibernate-issues@lists.jboss.org/message/C7YOTLWUJ3FS6Q64YPE7NDCC7VRFO3KQ/"),
                new Published("Hibernate", "393 entities, 562 tables",
                        "creation of the SessionFactory \"takes up to 30s which is 40% of our server startup time\"",
                        "https://github.com/hibernate/hibernate-orm/pull/2107"),
                new Published("Hibernate", "2,000 entities", "about 5.9 s (as quoted in issue 16; source not located)", ""),
                new Published("MyBatis", "53 mapper files (Camunda)",
                        "\"Starting the process engine takes about 5,5 seconds [...] MyBatis already needs 3,5 seconds to parse the XML mappings\"",
                        "https://github.com/camunda-community-hub/micronaut-camunda-platform-7/issues/19"),
                new Published("MyBatis", "700+ mapper XML files (MyBatis-Plus)",
                        "start-up initialisation of the mappers \"3-4 minutes\", addMapper about 33 s, nearly 30,000 MappedStatements",
                        "https://github.com/baomidou/mybatis-plus/issues/3568"));
    }
}
