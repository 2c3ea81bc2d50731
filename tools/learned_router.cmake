# Offline programs for the learned router: training and scoring on recorded outcomes.
add_executable(pointsman-train-router ${CMAKE_CURRENT_LIST_DIR}/train_router_main.cpp)
target_link_libraries(pointsman-train-router PRIVATE pointsman_analyze CLI11::CLI11)
pointsman_set_warnings(pointsman-train-router)

add_executable(pointsman-eval-router ${CMAKE_CURRENT_LIST_DIR}/eval_router_main.cpp)
target_link_libraries(pointsman-eval-router PRIVATE pointsman_analyze CLI11::CLI11)
pointsman_set_warnings(pointsman-eval-router)
